package io.socialink.gateway.websocket;

import io.socialink.gateway.auth.DeviceAddress;
import java.util.Queue;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * One device's open WebSocket on this node with its bounded outbound buffer. Frames may be offered from any
 * thread (the push consumer, the socket's own event loop); a socket whose buffer is full is too slow and is closed
 * rather than buffering without bound: its undelivered envelopes stay queued and re-drain on reconnect.
 */
public final class LiveSocket {

    /** Close code when a newer socket of the same device replaced this one. */
    public static final CloseStatus SUPERSEDED = new CloseStatus(4409, "superseded by a newer connection");
    /** Close code when the device was deactivated: its credentials no longer work, reconnecting is pointless. */
    public static final CloseStatus REMOVED = new CloseStatus(4410, "device removed");
    /** Close code when the client did not read its frames fast enough. */
    public static final CloseStatus TOO_SLOW = new CloseStatus(1013, "client too slow, reconnect");
    /** Close code when this node is shutting down: reconnect (to another node). */
    public static final CloseStatus GOING_AWAY = new CloseStatus(1001, "server shutting down, reconnect");

    private final DeviceAddress address;
    private final String connectionId;
    private final WebSocketSession session;
    /**
     * Grows in small links as frames wait, instead of holding an array of the whole capacity: an idle socket, the
     * common case by far, keeps a few dozen bytes here, not one slot per frame it might ever have to buffer.
     */
    private static final int BUFFER_LINK = 8;

    private final Queue<String> buffer;
    private final int capacity;
    private final Sinks.Many<String> outbound;
    private volatile boolean closing;
    private volatile @Nullable CloseStatus closeWhenWritten;
    private volatile Supplier<Mono<Void>> inFlight = Mono::empty;

    public LiveSocket(DeviceAddress address, String connectionId, WebSocketSession session, int bufferFrames) {
        this.address = address;
        this.connectionId = connectionId;
        this.session = session;
        this.buffer = Queues.<String>unbounded(BUFFER_LINK).get();
        this.capacity = bufferFrames;
        this.outbound = Sinks.many().unicast().onBackpressureBuffer(buffer);
    }

    public DeviceAddress address() {
        return address;
    }

    public String connectionId() {
        return connectionId;
    }

    /** The frames to write, in offer order. */
    public Flux<String> frames() {
        return outbound.asFlux();
    }

    /** Frames offered and not yet taken by the socket's writer. */
    public int backlog() {
        return buffer.size();
    }

    /** Queues a frame for writing; false (and the socket is being closed) when it could not be queued. */
    public boolean offer(String frame) {
        Sinks.EmitResult result;
        synchronized (this) {
            if (closing) {
                return false;
            }
            // the only producer, under this lock: the bound holds without the queue enforcing it
            result = buffer.size() >= capacity ? Sinks.EmitResult.FAIL_OVERFLOW : outbound.tryEmitNext(frame);
        }
        if (result == Sinks.EmitResult.FAIL_OVERFLOW) {
            close(TOO_SLOW);
        }
        return result.isSuccess();
    }

    /** Closes the socket with {@code status}; further offers are refused. Idempotent. */
    public void close(CloseStatus status) {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            outbound.tryEmitComplete();
        }
        session.close(status).subscribe(null, error -> {});
    }

    /**
     * What must finish before a drain closes this socket (its send in progress, whose result frame the client waits
     * for).
     */
    void whenDraining(Supplier<Mono<Void>> inFlight) {
        this.inFlight = inFlight;
    }

    /**
     * Closes the socket for a shutdown: once {@link #whenDraining its work in flight} is done, no more frames are
     * taken, those already offered are written, then the close frame with {@code status}. Completes when the close
     * has started.
     */
    Mono<Void> drain(CloseStatus status) {
        return inFlight.get().onErrorResume(error -> Mono.empty()).then(Mono.fromRunnable(() -> {
            synchronized (this) {
                if (closing) {
                    return;
                }
                closing = true;
                closeWhenWritten = status;
                outbound.tryEmitComplete();
            }
        }));
    }

    /** After the writer wrote the last frame: the close a drain asked for, if any. */
    Mono<Void> afterLastFrame() {
        CloseStatus status = closeWhenWritten;
        return status == null ? Mono.empty() : session.close(status).onErrorResume(error -> Mono.empty());
    }

    /** Ends the outbound stream after the client went away. */
    void complete() {
        synchronized (this) {
            closing = true;
            outbound.tryEmitComplete();
        }
    }
}
