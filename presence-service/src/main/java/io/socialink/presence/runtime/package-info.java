@NullMarked
package io.socialink.presence.runtime;

import org.jspecify.annotations.NullMarked;
