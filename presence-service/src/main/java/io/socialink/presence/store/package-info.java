@NullMarked
package io.socialink.presence.store;

import org.jspecify.annotations.NullMarked;
