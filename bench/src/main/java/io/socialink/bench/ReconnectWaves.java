package io.socialink.bench;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Groups the sockets that end while the bench holds into waves, as when a gateway node is killed: a wave starts when
 * an open socket ends while all were open, and is over when all are open again; its line says how many ended and
 * why, how long the last reopen came after the first end, and which reconnect attempts failed (a refused attempt is
 * tried again after the jitter, to another server). It also gives the wall-clock time (UTC) of the first end and of
 * the last reopen, so that a wave can be timed from an outside event, such as the kill of a node, that this process
 * may notice late.
 */
final class ReconnectWaves {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private final PrintWriter out;
    private final int target;
    private int waves;
    private Instant firstEnd = Instant.EPOCH;
    private long firstEndNanos;
    private long lastEndNanos;
    private int ended;
    private boolean open;
    private final Map<String, Integer> endReasons = new TreeMap<>();
    private final Map<String, Integer> failures = new TreeMap<>();

    ReconnectWaves(PrintWriter out, int target) {
        this.out = out;
        this.target = target;
    }

    /** An open socket ended, for {@code reason}. */
    synchronized void ended(String reason, long nanos) {
        if (!open) {
            open = true;
            waves++;
            firstEndNanos = nanos;
            firstEnd = Instant.now();
            ended = 0;
            endReasons.clear();
            failures.clear();
        }
        ended++;
        lastEndNanos = nanos;
        endReasons.merge(reason, 1, Integer::sum);
    }

    /** A reconnect attempt failed; counts in the current wave, if any. */
    synchronized void failed(String reason) {
        if (open) {
            failures.merge(reason, 1, Integer::sum);
        }
    }

    /** A socket reopened; {@code openNow} are open now. Prints the wave's line when all are open again. */
    synchronized void reopened(int openNow, long nanos, String perServer) {
        if (open && openNow >= target) {
            open = false;
            out.printf(
                    "reconnect wave %d: %d sockets ended (%s) over %.1f s, all %d open again %.1f s after the first"
                            + " end (first end %s, all open %s UTC); failed reconnect attempts: %s; open per server:"
                            + " %s%n",
                    waves,
                    ended,
                    counts(endReasons),
                    (lastEndNanos - firstEndNanos) / 1e9,
                    target,
                    (nanos - firstEndNanos) / 1e9,
                    TIME.format(firstEnd),
                    TIME.format(Instant.now()),
                    counts(failures),
                    perServer);
            out.flush();
        }
    }

    /** The line of a wave still open at the end of the run; nothing when all are open. */
    synchronized void reportUnfinished(int openNow, long nanos) {
        if (open) {
            out.printf(
                    "reconnect wave %d: unfinished: %d sockets ended (%s), %d of %d still closed %.1f s after the"
                            + " first end; failed reconnect attempts: %s%n",
                    waves,
                    ended,
                    counts(endReasons),
                    target - openNow,
                    target,
                    (nanos - firstEndNanos) / 1e9,
                    counts(failures));
            out.flush();
        }
    }

    synchronized int waves() {
        return waves;
    }

    static String counts(Map<String, Integer> counts) {
        return counts.isEmpty()
                ? "none"
                : counts.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(", "));
    }
}
