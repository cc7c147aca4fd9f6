/** Typing indicators: who is typing in a conversation (Redis, expiring) and live typing frames to the other participants. */
@NullMarked
package io.socialink.gateway.typing;

import org.jspecify.annotations.NullMarked;
