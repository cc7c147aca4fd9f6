package io.socialink.gateway.messages;

import java.time.Duration;

import io.socialink.gateway.auth.DeviceAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Remembers, per sender device and idempotency key, the answer of a send that Kafka acknowledged (Redis, 24 h), so a
 * retry answers the same messageId and sentAt and produces nothing. The first answer stored wins (SET NX) when two
 * attempts race. Redis trouble does not fail sends: without it a retry is produced again with the same messageId,
 * which the delivery-worker de-duplicates per device queue.
 */
@Component
public class IdempotencyStore {

    public static final Duration TTL = Duration.ofHours(24);

    private static final Logger log = LoggerFactory.getLogger(IdempotencyStore.class);

    private final ReactiveStringRedisTemplate redis;

    public IdempotencyStore(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    static String key(DeviceAddress sender, String idempotencyKey) {
        return "socialink:send:" + sender + ":" + idempotencyKey;
    }

    /** The answer already given for this key; empty when there is none (or Redis cannot tell). */
    public Mono<SendReceipt> find(DeviceAddress sender, String idempotencyKey) {
        return redis.opsForValue().get(key(sender, idempotencyKey))
                .mapNotNull(SendReceipt::decode)
                .onErrorResume(error -> {
                    log.warn("idempotency lookup failed, sending anyway: {}", error.toString());
                    return Mono.empty();
                });
    }

    /** Stores {@code receipt} unless an answer is stored already, and returns the answer that is stored. */
    public Mono<SendReceipt> remember(DeviceAddress sender, String idempotencyKey, SendReceipt receipt) {
        String key = key(sender, idempotencyKey);
        return redis.opsForValue().setIfAbsent(key, receipt.encode(), TTL)
                .flatMap(stored -> stored ? Mono.just(receipt) : redis.opsForValue().get(key)
                        .mapNotNull(SendReceipt::decode)
                        .defaultIfEmpty(receipt))
                .onErrorResume(error -> {
                    log.warn("idempotency record not stored: {}", error.toString());
                    return Mono.just(receipt);
                });
    }
}
