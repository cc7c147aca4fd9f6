package io.socialink.bench;

import java.net.URI;
import java.time.Duration;

/**
 * Parameters of one fault-suite load ({@code bench-faults}). {@code messages} are sent at {@code rate} per second
 * in all: every {@code groupEvery}-th one as an MLS group message by one of the {@code groupMembers} member devices
 * of one group, the others 1:1 on {@code streams} sender→recipient device pairs. Each sender device sends one
 * message at a time and retries it with the same idempotency key until it is acknowledged or {@code sendBudget}
 * passed, so the order per sender device → recipient device is defined and checkable.
 */
public record FaultBenchOptions(
        URI server,
        int messages,
        int rate,
        int streams,
        int groupMembers,
        int groupEvery,
        Duration sendBudget,
        Duration drainTimeout,
        boolean allowRemote) {

    public FaultBenchOptions {
        require(messages >= 1, "--messages must be at least 1");
        require(rate >= 1, "--rate must be at least 1");
        require(streams >= 1, "--streams must be at least 1");
        require(groupMembers == 0 || groupMembers >= 2, "--group-members must be 0 (no group) or at least 2");
        require(groupEvery >= 2, "--group-every must be at least 2");
        require(sendBudget.toMillis() >= 1, "--send-budget must be positive");
        require(!drainTimeout.isNegative(), "--drain-timeout must not be negative");
    }

    /** True when message {@code index} (0-based) is a group message. */
    boolean isGroupMessage(long index) {
        return groupMembers > 0 && index % groupEvery == groupEvery - 1;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
