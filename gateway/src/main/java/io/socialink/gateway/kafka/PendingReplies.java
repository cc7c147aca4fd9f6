package io.socialink.gateway.kafka;

import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import reactor.core.publisher.Mono;

/**
 * Request/reply over Kafka with a single-writer service (group-fanout, call-signaling): each request waits in a map
 * under its requestId until the {@link ReplyConsumer} of this node's reply partition hands the reply over. The
 * request is registered before its command is produced, so a fast reply cannot be missed. Without a reply within
 * the timeout the request is answered with the service's 503 problem; the command may still be applied later, which
 * is why that problem tells the client how to find out. Outcomes are counted by the caller's meter: accepted (2xx
 * reply), refused (other reply), timeout (no reply in time), failed (the command was not sent).
 *
 * @param <R> the reply record
 */
public final class PendingReplies<R> {

    private final Duration timeout;
    private final Function<R, String> requestId;
    private final ToIntFunction<R> status;
    private final Consumer<String> outcomes;
    private final Supplier<Problem> timedOut;
    private final Supplier<Problem> notSent;
    private final ConcurrentMap<String, CompletableFuture<R>> pending = new ConcurrentHashMap<>();

    /**
     * @param requestId the reply's requestId (the key it completes)
     * @param status    the reply's HTTP status (2xx counts as accepted)
     * @param outcomes  counts each request's outcome
     * @param timedOut  the 503 answered without a reply within {@code timeout}
     * @param notSent   the answer when the command could not be produced
     */
    public PendingReplies(
            Duration timeout,
            Function<R, String> requestId,
            ToIntFunction<R> status,
            Consumer<String> outcomes,
            Supplier<Problem> timedOut,
            Supplier<Problem> notSent) {
        this.timeout = timeout;
        this.requestId = requestId;
        this.status = status;
        this.outcomes = outcomes;
        this.timedOut = timedOut;
        this.notSent = notSent;
    }

    /**
     * Registers {@code id}, then produces the command with {@code send} (a Kafka acknowledgement) and waits for the
     * reply. The registration is dropped however the request ends (reply, error, timeout, cancel).
     */
    public Mono<R> request(String id, Supplier<CompletableFuture<?>> send) {
        return Mono.defer(() -> {
            CompletableFuture<R> reply = new CompletableFuture<>();
            pending.put(id, reply);
            return Mono.defer(() -> Mono.fromFuture(send.get()))
                    .onErrorMap(error -> {
                        outcomes.accept("failed");
                        return notSent.get().toException();
                    })
                    .then(Mono.fromFuture(reply, true))
                    .timeout(timeout, Mono.error(() -> {
                        outcomes.accept("timeout");
                        return new ProblemException(timedOut.get());
                    }))
                    .doOnNext(answer -> {
                        int code = status.applyAsInt(answer);
                        outcomes.accept(code >= 200 && code < 300 ? "accepted" : "refused");
                    })
                    // dropped before the answer, error or completion reaches the caller (doFinally would run
                    // after it: a caller could still see the request pending)
                    .doOnEach(signal -> pending.remove(id))
                    .doOnCancel(() -> pending.remove(id));
        });
    }

    /** Completes the request waiting for {@code reply}, if this node has it (a late or foreign reply is dropped). */
    public void complete(R reply) {
        CompletableFuture<R> waiting = pending.remove(requestId.apply(reply));
        if (waiting != null) {
            waiting.complete(reply);
        }
    }

    /** Requests waiting for a reply now. */
    public int pending() {
        return pending.size();
    }

    public Duration timeout() {
        return timeout;
    }
}
