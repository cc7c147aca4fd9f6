/** call-signaling: the single writer of each call (ringing, answers, hang-ups, ICE relay, ring timeouts). */
@NullMarked
package io.socialink.calls;

import org.jspecify.annotations.NullMarked;
