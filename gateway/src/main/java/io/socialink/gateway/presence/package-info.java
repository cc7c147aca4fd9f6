/** Presence: online state, last seen, status and the online count (read from the Redis that presence-service writes). */
@NullMarked
package io.socialink.gateway.presence;

import org.jspecify.annotations.NullMarked;
