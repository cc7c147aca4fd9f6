package io.socialink.gateway.messages;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Binds, per sender device and idempotency key, the key to the request it was first used for (a {@link RequestHash}
 * of the body) and remembers the answer of a send that was accepted (Redis, 24 h), so a retry of the same request
 * answers the same and produces nothing, while a different request under a used key is refused with 422
 * {@code idempotency-key-reused} before anything is produced: its message would otherwise be dropped silently, as
 * it gets the same messageId. The key is bound ({@link #bind}, SET NX) only after the request passed its checks and
 * just before it is produced, and unbound when producing fails or the send is refused, so a client may correct a
 * refused send (a device list, an epoch) and retry it with the same key. The first answer stored wins (SET NX) when
 * two attempts race. Redis trouble does not fail sends: without it a retry is produced again with the same
 * messageId, which the delivery-worker de-duplicates per device queue.
 */
@Component
public class IdempotencyStore {

    public static final Duration TTL = Duration.ofHours(24);
    public static final String KEY_REUSED = "idempotency-key-reused";

    private static final Logger log = LoggerFactory.getLogger(IdempotencyStore.class);

    private final ReactiveStringRedisTemplate redis;

    public IdempotencyStore(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    /** Where the answer of a 1:1 send is kept. */
    public static String key(DeviceAddress sender, String idempotencyKey) {
        return "socialink:send:" + sender + ":" + idempotencyKey;
    }

    /** Where the answer of a group send is kept (its answer has other members). */
    public static String groupKey(DeviceAddress sender, String idempotencyKey) {
        return "socialink:group-send:" + sender + ":" + idempotencyKey;
    }

    /** The request a key is bound to; shared by 1:1 and group sends, whose message ids share the key too. */
    static String requestKey(DeviceAddress sender, String idempotencyKey) {
        return "socialink:send-request:" + sender + ":" + idempotencyKey;
    }

    /** The 422 answer to a key used again for another request. */
    public static ProblemException keyReused() {
        return Problem.of(
                        HttpStatus.UNPROCESSABLE_CONTENT,
                        KEY_REUSED,
                        "this idempotencyKey was used for a different request; a new message needs a new key")
                .toException();
    }

    /** The answer already given for this key; empty when there is none (or Redis cannot tell). */
    public Mono<SendReceipt> find(DeviceAddress sender, String idempotencyKey) {
        return findAnswer(key(sender, idempotencyKey)).mapNotNull(SendReceipt::decode);
    }

    /** The answer stored under {@code answerKey} ({@link #key} or {@link #groupKey}); empty when there is none. */
    public Mono<String> findAnswer(String answerKey) {
        return redis.opsForValue().get(answerKey).onErrorResume(error -> {
            log.warn("idempotency lookup failed, sending anyway: {}", error.toString());
            return Mono.empty();
        });
    }

    /**
     * Completes when the key is free or bound to this request; fails with {@link #keyReused()} when it is bound to
     * another. Keys used before requests were bound (no binding stored) count as this request's.
     */
    public Mono<Void> checkRequest(DeviceAddress sender, String idempotencyKey, String requestHash) {
        return redis.opsForValue()
                .get(requestKey(sender, idempotencyKey))
                .onErrorResume(error -> {
                    log.warn("idempotency lookup failed, sending anyway: {}", error.toString());
                    return Mono.empty();
                })
                .flatMap(bound -> bound.equals(requestHash) ? Mono.<Void>empty() : Mono.error(keyReused()));
    }

    /** Binds the key to this request unless it is bound already; fails with {@link #keyReused()} if to another. */
    public Mono<Void> bind(DeviceAddress sender, String idempotencyKey, String requestHash) {
        String key = requestKey(sender, idempotencyKey);
        return redis.opsForValue()
                .setIfAbsent(key, requestHash, TTL)
                .flatMap(bound ->
                        bound ? Mono.<String>empty() : redis.opsForValue().get(key))
                .onErrorResume(error -> {
                    log.warn("idempotency key not bound: {}", error.toString());
                    return Mono.empty();
                })
                .flatMap(bound -> bound.equals(requestHash) ? Mono.<Void>empty() : Mono.error(keyReused()));
    }

    /**
     * Frees the key again after this request was refused or could not be produced, unless an answer was stored
     * meanwhile; best effort (an expired binding frees it too).
     */
    public Mono<Void> unbind(DeviceAddress sender, String idempotencyKey, String requestHash, String answerKey) {
        String key = requestKey(sender, idempotencyKey);
        return redis.hasKey(answerKey)
                .filter(answered -> !answered)
                .flatMap(free -> redis.opsForValue().get(key))
                .filter(requestHash::equals)
                .flatMap(mine -> redis.delete(key))
                .then()
                .onErrorResume(error -> {
                    log.warn("idempotency key not released: {}", error.toString());
                    return Mono.empty();
                });
    }

    /** Stores {@code receipt} unless an answer is stored already, and returns the answer that is stored. */
    public Mono<SendReceipt> remember(DeviceAddress sender, String idempotencyKey, SendReceipt receipt) {
        return rememberAnswer(key(sender, idempotencyKey), receipt.encode())
                .mapNotNull(SendReceipt::decode)
                .defaultIfEmpty(receipt);
    }

    /** Stores {@code answer} under {@code answerKey} unless one is stored already; returns the stored one. */
    public Mono<String> rememberAnswer(String answerKey, String answer) {
        return redis.opsForValue()
                .setIfAbsent(answerKey, answer, TTL)
                .flatMap(stored -> stored
                        ? Mono.just(answer)
                        : redis.opsForValue().get(answerKey).defaultIfEmpty(answer))
                .onErrorResume(error -> {
                    log.warn("idempotency record not stored: {}", error.toString());
                    return Mono.just(answer);
                });
    }
}
