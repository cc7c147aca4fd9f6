@NullMarked
package io.socialink.presence.topology;

import org.jspecify.annotations.NullMarked;
