package io.socialink.client.socket;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Coalesces acks without timers: the first ack goes out at once, and ids accepted while an ack frame is still
 * being written are sent together in the next frame (at most {@code maxBatch} ids per frame). Thread-safe.
 */
final class AckBatcher {

    private final Function<List<String>, CompletableFuture<?>> sendFrame;
    private final int maxBatch;
    private final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();
    private List<String> pending = new ArrayList<>();
    private boolean writing;

    AckBatcher(Function<List<String>, CompletableFuture<?>> sendFrame, int maxBatch) {
        this.sendFrame = sendFrame;
        this.maxBatch = maxBatch;
    }

    synchronized void ack(String messageId) {
        pending.add(messageId);
        if (!writing) {
            writeNext();
        }
    }

    /** Completes when every ack handed in so far has been written (or failed to be written). */
    synchronized CompletableFuture<Void> idle() {
        if (!writing && pending.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        idleWaiters.add(waiter);
        return waiter;
    }

    private void writeNext() {
        if (pending.isEmpty()) {
            writing = false;
            idleWaiters.forEach(waiter -> waiter.complete(null));
            idleWaiters.clear();
            return;
        }
        List<String> batch;
        if (pending.size() <= maxBatch) {
            batch = pending;
            pending = new ArrayList<>();
        } else {
            batch = new ArrayList<>(pending.subList(0, maxBatch));
            pending = new ArrayList<>(pending.subList(maxBatch, pending.size()));
        }
        writing = true;
        CompletableFuture<?> written;
        try {
            written = sendFrame.apply(batch);
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        // an ack that cannot be written is not retried: the server re-pushes unacked envelopes on reconnect
        written.whenComplete((ignored, error) -> {
            synchronized (this) {
                writeNext();
            }
        });
    }
}
