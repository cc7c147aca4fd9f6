package io.socialink.gateway.typing;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.kafka.EventPublisher;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.DeviceEvent;
import io.socialink.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Who is typing where. A start (refreshed by the client while typing) puts the user in the conversation's Redis
 * sorted set {@code typing:<conversationId>} until {@link #ttl} after it; a stop takes it out; nothing else keeps it.
 * Each change is pushed live to the other participants' devices as an ephemeral {@code typing} event (pushed only to a
 * device that is online, never queued, never pushed after its {@code expiresAt}), at most once per typer and
 * conversation per {@link #COALESCE}: the first change of a second goes out, later ones in that second are dropped
 * (a dropped start changes nothing the receivers show; a dropped stop lets their indicator run out at
 * {@code expiresAt}).
 */
@Component
public class TypingService {

    public static final String EVENT = "typing";
    static final Duration COALESCE = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(TypingService.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Conversations conversations;
    private final ReactiveStringRedisTemplate redis;
    private final EventPublisher publisher;
    private final Duration ttl;
    private final Clock clock = Clock.systemUTC();

    public TypingService(
            Conversations conversations,
            ReactiveStringRedisTemplate redis,
            EventPublisher publisher,
            @Value("${socialink.gateway.typing.ttl:5s}") Duration ttl) {
        this.conversations = conversations;
        this.redis = redis;
        this.publisher = publisher;
        this.ttl = ttl;
    }

    /** How long a start lasts without a refresh. */
    public Duration ttl() {
        return ttl;
    }

    public Mono<Void> start(DeviceAddress caller, String conversationId) {
        return change(caller, conversationId, true);
    }

    public Mono<Void> stop(DeviceAddress caller, String conversationId) {
        return change(caller, conversationId, false);
    }

    /** The users typing in the conversation now, the caller included when it is. */
    public Mono<List<String>> typing(DeviceAddress caller, String conversationId) {
        return conversations.resolve(caller, conversationId).then(Mono.defer(() -> redis.opsForZSet()
                .rangeByScore(key(conversationId), Range.rightUnbounded(Range.Bound.exclusive((double) clock.millis())))
                .collectList()));
    }

    private Mono<Void> change(DeviceAddress caller, String conversationId, boolean typing) {
        return conversations.resolve(caller, conversationId).flatMap(participants -> {
            long now = clock.millis();
            String key = key(conversationId);
            Mono<?> stored = typing
                    ? redis.opsForZSet()
                            .removeRangeByScore(key, Range.closed(Double.NEGATIVE_INFINITY, (double) now))
                            .then(redis.opsForZSet().add(key, caller.userId(), now + ttl.toMillis()))
                            .then(redis.expire(key, ttl))
                    : redis.opsForZSet().remove(key, caller.userId());
            return stored.then(redis.opsForValue()
                            .setIfAbsent(pushedKey(conversationId, caller.userId()), typing ? "1" : "0", COALESCE))
                    .doOnNext(turn -> {
                        if (Boolean.TRUE.equals(turn)) {
                            push(caller, participants, typing, now);
                        }
                    })
                    .then();
        });
    }

    /** Not awaited: a lost typing event only means an indicator that shows late or runs out by itself. */
    private void push(DeviceAddress typer, Conversations.Participants participants, boolean typing, long now) {
        long expiresAt = now + ttl.toMillis();
        for (DeviceAddress device : participants.others()) {
            Delivery event = event(typer, device, participants.conversationId(), typing, now, expiresAt);
            publisher.send(Topics.DEVICE_DELIVERIES, device.toString(), event).whenComplete((metadata, error) -> {
                if (error != null) {
                    log.debug("typing event for {} not produced: {}", device, error.toString());
                }
            });
        }
    }

    static Delivery event(
            DeviceAddress typer, DeviceAddress to, String conversationId, boolean typing, long now, long expiresAt) {
        return Delivery.newBuilder()
                .setMessageId(UUID.randomUUID().toString())
                .setSenderUserId(typer.userId())
                .setSenderDeviceId(typer.deviceId())
                .setRecipientUserId(to.userId())
                .setRecipientDeviceId(to.deviceId())
                .setSentAt(Instant.ofEpochMilli(now))
                .setCiphertextType(0)
                .setContent(EMPTY.duplicate())
                .setExpiresAt(Instant.ofEpochMilli(expiresAt))
                .setEvent(DeviceEvent.newBuilder()
                        .setType(EVENT)
                        .setAttributes(Map.of(
                                "conversationId", conversationId,
                                "userId", typer.userId(),
                                "typing", Boolean.toString(typing),
                                "expiresAt", Long.toString(expiresAt)))
                        .build())
                .setEphemeral(true)
                .build();
    }

    private static String key(String conversationId) {
        return "typing:" + conversationId;
    }

    private static String pushedKey(String conversationId, String userId) {
        return "typing:pushed:" + conversationId + ":" + userId;
    }
}
