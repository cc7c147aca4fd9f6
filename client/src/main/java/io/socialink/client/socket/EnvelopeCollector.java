package io.socialink.client.socket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link DeviceSocketListener} that accepts (and so acks) every envelope and keeps it for a waiting thread:
 * for tests, the CLI and scripts that want "the next n envelopes". Thread-safe.
 */
public final class EnvelopeCollector implements DeviceSocketListener {

    private final BlockingQueue<Envelope> pending = new LinkedBlockingQueue<>();
    private final List<Envelope> all = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();

    @Override
    public void onEnvelope(Envelope envelope) {
        all.add(envelope);
        pending.add(envelope);
    }

    @Override
    public void onError(Throwable error) {
        errors.add(error);
    }

    @Override
    public void onClose(CloseStatus status) {
        closed.complete(status);
    }

    /** The next envelope not yet taken, or null when none arrived within the timeout. */
    public Envelope next(Duration timeout) throws InterruptedException {
        return pending.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Takes the next {@code count} envelopes, waiting at most {@code timeout} overall; fewer when the time ran out.
     */
    public List<Envelope> next(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Envelope> taken = new ArrayList<>(count);
        while (taken.size() < count) {
            Envelope envelope = pending.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (envelope == null) {
                break;
            }
            taken.add(envelope);
        }
        return taken;
    }

    /** Every envelope received, in order, whether taken or not. */
    public List<Envelope> received() {
        return List.copyOf(all);
    }

    public List<Throwable> errors() {
        return List.copyOf(errors);
    }

    /** Completes when the socket this collector listens to ended. */
    public CompletableFuture<CloseStatus> closed() {
        return closed;
    }
}
