package io.socialink.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The bound on outstanding sends of an open-loop run. Waiting for a free slot is counted ({@code saturated}), so a
 * run limited by the bound rather than by the server says so; the wait is still charged to latency by the caller.
 */
final class SendSlots {

    private final int max;
    private final Semaphore free;
    private final LongAdder saturated = new LongAdder();

    SendSlots(int max) {
        this.max = max;
        this.free = new Semaphore(max);
    }

    /** Takes a slot, waiting at most until {@code deadlineNanos}; false if none came free by then. */
    boolean acquire(long deadlineNanos) throws InterruptedException {
        if (free.tryAcquire()) {
            return true;
        }
        saturated.increment();
        return free.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /**
     * Starts a send in the slot just taken. The slot is given back however the send ends, a failure is counted in
     * {@code errors}, and a success is handed to {@code acked} with the time it completed.
     */
    void send(Supplier<CompletableFuture<?>> request, ErrorCounts errors, LongConsumer acked) {
        CompletableFuture<?> sending;
        try {
            sending = request.get();
        } catch (RuntimeException e) {
            // a send that fails before it is on the wire still owns a slot and is still an error of the run
            sending = CompletableFuture.failedFuture(e);
        }
        sending.whenComplete((result, error) -> {
            long now = System.nanoTime();
            free.release();
            if (error != null) {
                errors.count(error);
                return;
            }
            acked.accept(now);
        });
    }

    /** Waits, at most {@code timeout}, until no send is outstanding. */
    void awaitIdle(Duration timeout) throws InterruptedException {
        if (free.tryAcquire(max, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            free.release(max);
        }
    }

    int inFlight() {
        return max - free.availablePermits();
    }

    long saturated() {
        return saturated.sum();
    }
}
