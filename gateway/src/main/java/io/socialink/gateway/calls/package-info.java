/**
 * Calls on the gateway side (docs/architecture.md, "Calls"): the call endpoints, request/reply with call-signaling
 * (the single writer of each call) over {@code call.commands} / {@code call.replies}, TURN credentials, and the call
 * history projection of {@code call.events}.
 */
@NullMarked
package io.socialink.gateway.calls;

import org.jspecify.annotations.NullMarked;
