package io.socialink.gateway.websocket;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.messages.SendService;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import io.socialink.gateway.problem.ProblemWebExceptionHandler;
import java.time.Duration;
import java.util.Queue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * The {@code send} frames of one socket, handled one after another in the order they arrived (so a device's sends
 * over its socket are produced in that order, as sequential REST sends are), each answered by a {@code send-result}
 * frame with its requestId. At most {@link #MAX_WAITING} sends wait behind the one in progress; more are answered
 * at once with 429 {@code too-many-in-flight}. A send in progress when the socket ends still completes; its result
 * is lost with the socket and the client retries it with the same idempotencyKey, as after a lost HTTP response.
 */
final class SocketSends {

    static final int MAX_WAITING = 256;

    private static final Logger log = LoggerFactory.getLogger(SocketSends.class);

    private final LiveSocket socket;
    private final SendService sends;
    private final Frames frames;
    /**
     * Made on the socket's first send: most sockets never send over their socket, and an idle one should hold no
     * queue nor pipeline for it. Guarded by {@code this}.
     */
    private @Nullable Pipeline pipeline;

    private volatile boolean closed;

    /** The sends waiting, and what completes once the last one taken has been answered. */
    private record Pipeline(
            Queue<Frames.ClientFrame> queue, Sinks.Many<Frames.ClientFrame> waiting, Mono<Void> finished) {}

    SocketSends(LiveSocket socket, SendService sends, Frames frames) {
        this.socket = socket;
        this.sends = sends;
        this.frames = frames;
    }

    /** Queues a {@link Frames.SendFrame} or {@link Frames.BadSendFrame}. */
    void offer(Frames.ClientFrame frame) {
        Sinks.EmitResult result;
        synchronized (this) {
            if (closed) {
                return;
            }
            Pipeline current = pipeline;
            if (current == null) {
                current = start();
                pipeline = current;
            }
            result = current.queue().size() >= MAX_WAITING
                    ? Sinks.EmitResult.FAIL_OVERFLOW
                    : current.waiting().tryEmitNext(frame);
        }
        if (result == Sinks.EmitResult.FAIL_OVERFLOW) {
            socket.offer(frames.sendResult(
                    requestId(frame),
                    Problem.of(
                            HttpStatus.TOO_MANY_REQUESTS,
                            "too-many-in-flight",
                            "more than " + MAX_WAITING + " sends wait on this socket; wait for their results"),
                    1L));
        }
    }

    /**
     * The socket ended: sends not started yet are dropped (never produced, the client retries them); the one in
     * progress runs to its end rather than being cut between its idempotency binding and its produce.
     */
    void close() {
        closed = true;
        synchronized (this) {
            if (pipeline != null) {
                pipeline.waiting().tryEmitComplete();
            }
        }
    }

    /**
     * For a drain: {@link #close() closes} and completes once the send in progress (if any) has offered its result
     * frame to the socket.
     */
    Mono<Void> finish() {
        close();
        synchronized (this) {
            return pipeline == null ? Mono.empty() : pipeline.finished();
        }
    }

    /** The queue and the one-after-another pipeline, on the first send. */
    private Pipeline start() {
        Queue<Frames.ClientFrame> queue =
                Queues.<Frames.ClientFrame>unbounded(8).get();
        Sinks.Many<Frames.ClientFrame> waiting = Sinks.many().unicast().onBackpressureBuffer(queue);
        Mono<Void> finished = waiting.asFlux().concatMap(this::handle, 1).then().cache();
        finished.subscribe();
        return new Pipeline(queue, waiting, finished);
    }

    private Mono<Void> handle(Frames.ClientFrame frame) {
        if (closed) {
            return Mono.empty();
        }
        if (frame instanceof Frames.BadSendFrame bad) {
            socket.offer(frames.sendResult(bad.requestId(), Problem.badRequest(bad.detail()), null));
            return Mono.empty();
        }
        Frames.SendFrame send = (Frames.SendFrame) frame;
        DeviceAddress sender = socket.address();
        return sends.accept(sender, send.request())
                .doOnNext(receipt -> socket.offer(frames.sendResult(send.requestId(), receipt)))
                .onErrorResume(error -> {
                    socket.offer(failure(send.requestId(), sender, error));
                    return Mono.empty();
                })
                .then();
    }

    private String failure(String requestId, DeviceAddress sender, Throwable error) {
        Problem problem = ProblemWebExceptionHandler.toProblem(error);
        if (problem.status().is5xxServerError() && !(error instanceof ProblemException)) {
            log.error("send of {} over its socket failed", sender, error);
        }
        return frames.sendResult(requestId, problem, retryAfterSeconds(error));
    }

    private static @Nullable Long retryAfterSeconds(Throwable error) {
        if (error instanceof ProblemException problem && problem.retryAfter() != null) {
            Duration retryAfter = problem.retryAfter();
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
        return null;
    }

    private static String requestId(Frames.ClientFrame frame) {
        if (frame instanceof Frames.SendFrame send) {
            return send.requestId();
        }
        return ((Frames.BadSendFrame) frame).requestId();
    }
}
