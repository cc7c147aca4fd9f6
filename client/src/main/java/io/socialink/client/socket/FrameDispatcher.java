package io.socialink.client.socket;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Handles the text frames of one socket in order: new envelopes go to the listener and are acked once it
 * returned, duplicates (by messageId) are acked again but not delivered, queue-empty and pongs complete their
 * futures; queued device events are handled like envelopes, ephemeral ones ({@code low-prekeys}) are passed on
 * without an ack. Frames are handled one at a time. After {@link #stop()}, or once the listener failed on an envelope,
 * envelopes are neither delivered nor acked: acking the ones after a failed envelope would let the server drop
 * them while the failed one waits, so the next socket would receive them out of order.
 */
final class FrameDispatcher {

    private final FrameParser parser;
    private final DeviceSocketListener listener;
    private final SeenMessageIds seen;
    private final Consumer<String> ack;
    private final Runnable onListenerFailure;
    private final CompletableFuture<Void> queueEmpty = new CompletableFuture<>();
    private final Map<String, CompletableFuture<Void>> pings = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<ServerFrame.SendResult>> sends = new ConcurrentHashMap<>();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private boolean stopped;

    FrameDispatcher(
            FrameParser parser,
            DeviceSocketListener listener,
            SeenMessageIds seen,
            Consumer<String> ack,
            Runnable onListenerFailure) {
        this.parser = parser;
        this.listener = listener;
        this.seen = seen;
        this.ack = ack;
        this.onListenerFailure = onListenerFailure;
    }

    synchronized void onText(String text) {
        ServerFrame frame;
        try {
            frame = parser.parse(text);
        } catch (MalformedFrameException e) {
            listener.onError(e);
            return;
        }
        if (frame instanceof Envelope envelope) {
            if (!stopped) {
                onEnvelope(envelope);
            }
        } else if (frame instanceof DeviceEvent event) {
            if (!stopped) {
                onEvent(event);
            }
        } else if (frame instanceof ServerFrame.QueueEmpty) {
            if (queueEmpty.complete(null)) {
                listener.onQueueEmpty();
            }
        } else if (frame instanceof ServerFrame.Pong pong) {
            CompletableFuture<Void> waiting = pong.id() == null ? null : pings.remove(pong.id());
            if (waiting != null) {
                waiting.complete(null);
            }
        } else if (frame instanceof ServerFrame.SendResult result) {
            CompletableFuture<ServerFrame.SendResult> waiting = sends.remove(result.requestId());
            if (waiting != null) {
                waiting.complete(result);
            }
        } else if (frame instanceof ServerFrame.Error error) {
            listener.onError(new ServerErrorException(error.code(), error.detail()));
        }
    }

    private void onEnvelope(Envelope envelope) {
        deliverQueued(envelope.messageId(), () -> listener.onEnvelope(envelope));
    }

    private void onEvent(DeviceEvent event) {
        if (event.ephemeral() || event.messageId() == null) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                listener.onError(e);
            }
            return;
        }
        deliverQueued(event.messageId(), () -> listener.onEvent(event));
    }

    /** Queued frames: delivered once per messageId and acked only after the listener returned. */
    private void deliverQueued(UUID id, Runnable delivery) {
        String messageId = id.toString();
        if (!seen.firstSighting(id)) {
            duplicates.incrementAndGet();
            // stored already; its earlier ack was lost or is still on its way
            ack.accept(messageId);
            return;
        }
        try {
            delivery.run();
        } catch (RuntimeException e) {
            seen.forget(id);
            stopped = true;
            listener.onError(e);
            onListenerFailure.run();
            return;
        }
        delivered.incrementAndGet();
        ack.accept(messageId);
    }

    /** Waits for the frame being handled, so its ack has been handed over, then refuses further envelopes. */
    synchronized void stop() {
        stopped = true;
    }

    CompletableFuture<Void> expectPong(String id) {
        return pings.computeIfAbsent(id, ignored -> new CompletableFuture<>());
    }

    /** Completes with the send-result of {@code requestId}; removed from the pending ones when it completes. */
    CompletableFuture<ServerFrame.SendResult> expectSendResult(String requestId) {
        CompletableFuture<ServerFrame.SendResult> result = new CompletableFuture<>();
        sends.put(requestId, result);
        result.whenComplete((done, error) -> sends.remove(requestId, result));
        return result;
    }

    void failPending(Throwable cause) {
        pings.values().forEach(ping -> ping.completeExceptionally(cause));
        pings.clear();
        List.copyOf(sends.values()).forEach(send -> send.completeExceptionally(cause));
        sends.clear();
    }

    CompletableFuture<Void> queueEmpty() {
        return queueEmpty;
    }

    long duplicates() {
        return duplicates.get();
    }

    long delivered() {
        return delivered.get();
    }
}
