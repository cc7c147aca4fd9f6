package io.socialink.gateway.messages;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import io.socialink.gateway.ratelimit.RateLimitProperties;
import io.socialink.gateway.ratelimit.RateLimiter;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Binds, per sender device and idempotency key, the key to the request it was first used for (a {@link RequestHash}
 * of the body) and remembers the answer of a send that was accepted (Redis, 24 h), so a retry of the same request
 * answers the same and produces nothing, while a different request under a used key is refused with 422
 * {@code idempotency-key-reused} before anything is produced: its message would otherwise be dropped silently, as
 * it gets the same messageId. A 1:1 send binds its key in the round trip that also checks its rate limit
 * ({@link #admitSend}), a group send just before its command ({@link #bind}); either is unbound when the send is
 * refused or producing fails, before the refusal is answered, so a client may correct a refused send (a device list,
 * an epoch) and retry it with the same key. The first answer stored wins (SET NX) when
 * two attempts race. Redis trouble does not fail sends: without it a retry is produced again with the same
 * messageId, which the delivery-worker de-duplicates per device queue.
 */
@Component
public class IdempotencyStore {

    public static final Duration TTL = Duration.ofHours(24);
    public static final String KEY_REUSED = "idempotency-key-reused";

    private static final Logger log = LoggerFactory.getLogger(IdempotencyStore.class);

    /**
     * A 1:1 send's whole check in one round trip: the sender device's send bucket ({@link RateLimiter#BUCKET_LUA}),
     * then the key's binding (another request's: reused), then the stored answer (a retry: replay), else the key is
     * bound to this request. KEYS: bucket, binding, answer; ARGV: capacity, refill per ms, request hash, TTL ms.
     */
    private static final RedisScript<String> ADMIT_SEND = RedisScript.of(RateLimiter.BUCKET_LUA + """
            if wait > 0 then
              return 'L:' .. wait
            end
            local bound = redis.call('GET', KEYS[2])
            if bound and bound ~= ARGV[3] then
              return 'R'
            end
            local answer = redis.call('GET', KEYS[3])
            if answer then
              return 'A:' .. answer
            end
            if not bound then
              redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
            end
            return 'B'
            """, String.class);

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

    /**
     * Admits a 1:1 send in one Redis round trip: fails with 429 {@code rate-limited} when the sender's send bucket
     * is empty, with {@link #keyReused()} when the key is bound to another request; completes with the answer
     * already given when this is a retry; otherwise binds the key to this request and completes empty (go on, and
     * {@link #unbind} if the send is then refused or fails). When Redis cannot answer, it completes empty: limits
     * protect against abuse, and a retry produced again keeps its messageId, which the worker de-duplicates.
     */
    public Mono<SendReceipt> admitSend(
            DeviceAddress sender, String idempotencyKey, String requestHash, RateLimitProperties.Limit limit) {
        List<String> keys = List.of(
                RateLimiter.bucketKey("send", sender.toString()),
                requestKey(sender, idempotencyKey),
                key(sender, idempotencyKey));
        List<String> bucket = RateLimiter.bucketArgs(limit);
        List<String> args = List.of(bucket.get(0), bucket.get(1), requestHash, Long.toString(TTL.toMillis()));
        return redis.execute(ADMIT_SEND, keys, args)
                .next()
                .onErrorResume(error -> {
                    log.warn(
                            "send not checked against its rate limit and idempotency key, Redis failed: {}",
                            error.toString());
                    return Mono.empty();
                })
                .flatMap(outcome -> {
                    if (outcome.startsWith("L:")) {
                        return Mono.error(RateLimiter.rateLimited(
                                Long.parseLong(outcome.substring(2)), "sends from this device"));
                    }
                    if (outcome.equals("R")) {
                        return Mono.error(keyReused());
                    }
                    return outcome.startsWith("A:")
                            ? Mono.justOrEmpty(SendReceipt.decode(outcome.substring(2)))
                            : Mono.empty();
                });
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
