package io.socialink.bench;

/**
 * Fires sequence numbers on a fixed schedule, {@code intended(n) = start + n / rate}, independent of how long
 * each send takes. When the caller falls behind (a slow or blocked {@link Firing}), the overdue sends fire at once
 * with their original intended times, so latency measured from the intended time includes the delay the system
 * caused (no coordinated omission). Single-threaded: {@link #run} returns when all fired or the deadline passed.
 */
final class OpenLoopScheduler {

    /** The longest single park, so a deadline or interrupt is noticed soon enough. */
    static final long MAX_PARK_NANOS = 1_000_000L;

    /** Receives each sequence number with its intended send time; may block; false if it could not fire. */
    @FunctionalInterface
    interface Firing {
        boolean fire(long sequence, long intendedNanos) throws InterruptedException;
    }

    @FunctionalInterface
    interface NanoClock {
        long nanoTime();
    }

    @FunctionalInterface
    interface Parker {
        void parkNanos(long nanos);
    }

    private final double ratePerSecond;
    private final long count;
    private final NanoClock clock;
    private final Parker parker;

    OpenLoopScheduler(double ratePerSecond, long count, NanoClock clock, Parker parker) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive: " + ratePerSecond);
        }
        this.ratePerSecond = ratePerSecond;
        this.count = count;
        this.clock = clock;
        this.parker = parker;
    }

    /** Computed from the start for every n, so rounding never drifts the schedule. */
    long intendedNanos(long startNanos, long sequence) {
        return startNanos + (long) (sequence * 1_000_000_000d / ratePerSecond);
    }

    long count() {
        return count;
    }

    /**
     * @return how many sequence numbers were fired; fewer than {@link #count()} when the deadline passed, the
     * firing refused or the thread was interrupted first
     */
    long run(long startNanos, long deadlineNanos, Firing firing) {
        long sequence = 0;
        while (sequence < count && !Thread.currentThread().isInterrupted()) {
            long now = clock.nanoTime();
            if (now - deadlineNanos >= 0) {
                break;
            }
            long intended = intendedNanos(startNanos, sequence);
            if (intended - now > 0) {
                parker.parkNanos(Math.min(intended - now, MAX_PARK_NANOS));
                continue;
            }
            try {
                if (!firing.fire(sequence, intended)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            sequence++;
        }
        return sequence;
    }
}
