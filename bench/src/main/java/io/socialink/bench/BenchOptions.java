package io.socialink.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Parameters of one load generator run. The run sends {@code rate × (warmup + duration)} messages on a fixed
 * schedule and ends at most {@code drainTimeout} after the schedule, so it always stops by itself.
 *
 * @param json where to write the report as JSON as well; null for text only
 * @param transport how sends travel: REST requests, or send frames on each sender device's WebSocket
 */
public record BenchOptions(
        URI server,
        int rate,
        Duration duration,
        Duration warmup,
        int senders,
        int recipients,
        int size,
        int maxInFlight,
        Duration drainTimeout,
        boolean allowRemote,
        Path json,
        Transport transport) {

    public static final long MAX_MESSAGES = 10_000_000L;

    /** How a send travels to the gateway. */
    public enum Transport {
        /** {@code POST /api/v1/messages/send/{senderId}} */
        REST,
        /** a {@code send} frame on the sender device's WebSocket */
        WS
    }

    /** Options of a run that sends over REST. */
    public BenchOptions(
            URI server,
            int rate,
            Duration duration,
            Duration warmup,
            int senders,
            int recipients,
            int size,
            int maxInFlight,
            Duration drainTimeout,
            boolean allowRemote,
            Path json) {
        this(
                server,
                rate,
                duration,
                warmup,
                senders,
                recipients,
                size,
                maxInFlight,
                drainTimeout,
                allowRemote,
                json,
                Transport.REST);
    }

    public BenchOptions {
        require(rate >= 1, "--rate must be at least 1");
        require(!duration.isNegative() && !duration.isZero(), "--duration must be positive");
        require(!warmup.isNegative(), "--warmup must not be negative");
        require(senders >= 1, "--senders must be at least 1");
        require(recipients >= 1, "--recipients must be at least 1");
        require(
                size >= BenchPayload.HEADER_BYTES && size <= 98_304,
                "--size must be between " + BenchPayload.HEADER_BYTES + " and 98304 bytes");
        require(maxInFlight >= 1, "--max-in-flight must be at least 1");
        require(!drainTimeout.isNegative(), "--drain-timeout must not be negative");
        require(
                totalMessages(rate, duration, warmup) <= MAX_MESSAGES,
                "rate × (warmup + duration) must not exceed " + MAX_MESSAGES + " messages");
    }

    /** Messages of the whole schedule, warm-up included. */
    public long totalMessages() {
        return totalMessages(rate, duration, warmup);
    }

    /** Messages sent during the warm-up, not recorded. */
    public long warmupMessages() {
        return (long) Math.ceil(rate * (warmup.toNanos() / 1e9));
    }

    private static long totalMessages(int rate, Duration duration, Duration warmup) {
        return (long) Math.ceil(rate * (duration.plus(warmup).toNanos() / 1e9));
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
