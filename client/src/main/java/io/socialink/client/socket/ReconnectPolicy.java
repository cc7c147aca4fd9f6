package io.socialink.client.socket;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a {@link DeviceSocket} connects again after losing its connection: jittered exponential backoff, the
 * ceiling doubling from {@code initialDelay} per failed attempt up to {@code maxDelay}, the delay drawn uniformly
 * from the upper half of the ceiling (so many clients of a crashed gateway do not come back at the same instant),
 * at most {@code maxAttempts} attempts in a row before the socket gives up. {@link #NONE} never reconnects.
 * Every {@code keepAlive} the open connection sends a ping; a pong that does not come within another
 * {@code keepAlive} counts the connection as lost (a peer that vanished without a FIN, a half-open TCP connection
 * whose end the JDK client never reports), so it is aborted and, as any lost connection, connected again.
 * Closes that say the device must not come back (4409 replaced, 4410 removed) and the user's own close never
 * reconnect, whatever the policy.
 */
public record ReconnectPolicy(Duration initialDelay, Duration maxDelay, int maxAttempts, Duration keepAlive) {

    /** The ping interval, and the pong deadline, of the three-argument constructor. */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);
    /**
     * 250 ms doubling up to 15 s, without a limit on attempts: a listening device waits out any outage. A ping every
     * 30 s.
     */
    public static final ReconnectPolicy DEFAULT =
            new ReconnectPolicy(Duration.ofMillis(250), Duration.ofSeconds(15), Integer.MAX_VALUE);
    /** The socket ends with the first lost connection. */
    public static final ReconnectPolicy NONE = new ReconnectPolicy(Duration.ofMillis(1), Duration.ofMillis(1), 0);

    public ReconnectPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || initialDelay.isZero()) {
            throw new IllegalArgumentException("initialDelay must be positive: " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay " + maxDelay + " is below initialDelay " + initialDelay);
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must not be negative: " + maxAttempts);
        }
        Objects.requireNonNull(keepAlive, "keepAlive");
        if (keepAlive.toMillis() <= 0) {
            throw new IllegalArgumentException("keepAlive must be at least 1 ms: " + keepAlive);
        }
    }

    /** A policy with the {@link #DEFAULT_KEEP_ALIVE} ping interval. */
    public ReconnectPolicy(Duration initialDelay, Duration maxDelay, int maxAttempts) {
        this(initialDelay, maxDelay, maxAttempts, DEFAULT_KEEP_ALIVE);
    }

    /** True when the socket should connect again after its connection ended with {@code status}. */
    public boolean reconnectsAfter(CloseStatus status) {
        return maxAttempts > 0 && !status.isFinal();
    }

    /** True while attempt number {@code attempt} (1 for the first) is allowed. */
    public boolean allows(int attempt) {
        return attempt <= maxAttempts;
    }

    /** The ceiling for attempt {@code attempt}: initialDelay × 2^(attempt-1), at most maxDelay. */
    public Duration ceiling(int attempt) {
        long initial = initialDelay.toMillis();
        int doublings = Math.min(Math.max(attempt - 1, 0), 30);
        long ceiling = initial << doublings;
        return Duration.ofMillis(Math.min(Math.max(ceiling, initial), maxDelay.toMillis()));
    }

    /** The delay before attempt {@code attempt}: uniform in [ceiling / 2, ceiling]. */
    public Duration delay(int attempt) {
        long ceiling = ceiling(attempt).toMillis();
        long half = ceiling / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }
}
