package io.socialink.delivery.routing;

import java.util.HashMap;
import java.util.Map;

/**
 * When each gateway incarnation was last heard of, in the stream time of one Streams task: a NODE_ALIVE, or a
 * CONNECTED of one of its sockets. Kept in memory only: the gateways send NODE_ALIVE to every partition every
 * interval, so a task that starts (or restarts) learns every live incarnation within one interval, and until it
 * has, {@link #lastHeard} gives an incarnation it does not know yet the time it was first asked about (one timeout
 * of grace) rather than treating it as dead.
 *
 * <p>Stream time, not wall-clock time: a task that lags behind its input (a burst of group copies) has not read the
 * heartbeats that keep its routes alive yet, and must not take their sockets for gone; stream time lags with it.
 */
public final class NodeLiveness {

    private final Map<String, Long> heard = new HashMap<>();

    /** {@code incarnation} was alive at {@code at}. */
    public void heard(String incarnation, long at) {
        heard.merge(incarnation, at, Math::max);
    }

    /** When {@code incarnation} was last heard of; one not heard of yet counts as heard now. */
    public long lastHeard(String incarnation, long now) {
        return heard.computeIfAbsent(incarnation, unknown -> now);
    }

    /** Forgets incarnations not heard of since {@code before}: their routes are gone, or go with this sweep. */
    public void forgetSilentSince(long before) {
        heard.values().removeIf(at -> at < before);
    }
}
