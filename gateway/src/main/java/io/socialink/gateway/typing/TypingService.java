package io.socialink.gateway.typing;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.websocket.EphemeralPushes;
import io.socialink.gateway.websocket.Frames;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Who is typing where. A start (refreshed by the client while typing) puts the user in the conversation's Redis
 * sorted set {@code typing:<conversationId>} until {@link #ttl} after it; a stop takes it out; nothing else keeps it.
 * Each change is pushed live to the other participants' devices as an ephemeral {@code typing} event through
 * {@link EphemeralPushes} (one Redis message for all of them; written only to a device that is online, never queued,
 * never after its {@code expiresAt}), at most once per typer and
 * conversation per {@link #COALESCE}: the first change of a second goes out at once; a later one in that second with
 * the same value is dropped (it changes nothing the receivers show), one with the other value is held back and the
 * typer's state is pushed when the second has passed.
 */
@Component
public class TypingService {

    public static final String EVENT = "typing";
    static final Duration COALESCE = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(TypingService.class);

    /**
     * KEYS[1] the typer's last pushed value in this conversation (expires with the window), ARGV[1] the new value,
     * ARGV[2] the window in ms. -1: push now (the window is taken); -2: the same value went out in this window;
     * otherwise the ms left of a window in which the other value went out.
     */
    private static final RedisScript<Long> TURN = RedisScript.of("""
            local last = redis.call('GET', KEYS[1])
            if not last then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
              return -1
            end
            if last == ARGV[1] then
              return -2
            end
            return math.max(0, redis.call('PTTL', KEYS[1]))
            """, Long.class);

    private static final long PUSH_NOW = -1;
    /** A held-back change is tried again after this many windows at most (another node may push in between). */
    private static final int MAX_DEFERRALS = 3;

    private final Conversations conversations;
    private final ReactiveStringRedisTemplate redis;
    private final EphemeralPushes pushes;
    private final Frames frames;
    private final Duration ttl;
    private final Clock clock = Clock.systemUTC();
    /** Typers (their coalescing keys) with a held-back push scheduled on this node. */
    private final Set<String> deferred = ConcurrentHashMap.newKeySet();

    public TypingService(
            Conversations conversations,
            ReactiveStringRedisTemplate redis,
            EphemeralPushes pushes,
            Frames frames,
            @Value("${socialink.gateway.typing.ttl:5s}") Duration ttl) {
        this.conversations = conversations;
        this.redis = redis;
        this.pushes = pushes;
        this.frames = frames;
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
            return stored.then(turn(caller, participants, typing, now + ttl.toMillis(), 0))
                    .then();
        });
    }

    /**
     * Pushes {@code typing} now if no change of this typer and conversation went out in the last {@link #COALESCE};
     * if one did with the other value, pushes the state of then once that window has passed (so a stop right after
     * a start still reaches the receivers, a second later); if one did with the same value, nothing.
     */
    private Mono<Void> turn(
            DeviceAddress caller, Conversations.Participants participants, boolean typing, long expiresAt, int tries) {
        String pushed = pushedKey(participants.conversationId(), caller.userId());
        return redis.execute(TURN, List.of(pushed), List.of(typing ? "1" : "0", Long.toString(COALESCE.toMillis())))
                .next()
                .doOnNext(wait -> {
                    if (wait == PUSH_NOW) {
                        push(caller, participants, typing, expiresAt);
                    } else if (wait >= 0 && tries < MAX_DEFERRALS && deferred.add(pushed)) {
                        // one held-back push per typer and conversation on this node: it reads the state of then
                        Mono.delay(Duration.ofMillis(wait + 1))
                                .then(Mono.defer(() -> {
                                    deferred.remove(pushed);
                                    return trailing(caller, participants.conversationId(), tries + 1);
                                }))
                                .subscribe(null, error -> {
                                    deferred.remove(pushed);
                                    log.debug(
                                            "deferred typing event of {} in {} not pushed: {}",
                                            caller,
                                            participants.conversationId(),
                                            error.toString());
                                });
                    }
                })
                .then();
    }

    /**
     * The typer's state now, pushed as a change that was held back: the participants are read again, and a start
     * still lasts only until its own end.
     */
    private Mono<Void> trailing(DeviceAddress caller, String conversationId, int tries) {
        return conversations.resolve(caller, conversationId).flatMap(participants -> redis.opsForZSet()
                .score(key(conversationId), caller.userId())
                .map(Double::longValue)
                .filter(until -> until > clock.millis())
                .map(until -> turn(caller, participants, true, until, tries))
                .defaultIfEmpty(
                        Mono.defer(() -> turn(caller, participants, false, clock.millis() + ttl.toMillis(), tries)))
                .flatMap(next -> next));
    }

    /** Not awaited: a lost typing event only means an indicator that shows late or runs out by itself. */
    private void push(DeviceAddress typer, Conversations.Participants participants, boolean typing, long expiresAt) {
        String frame = frame(frames, typer, participants.conversationId(), typing, expiresAt);
        pushes.publish(frame, expiresAt, participants.others())
                .subscribe(
                        null,
                        error -> log.debug(
                                "typing event of {} in {} not published: {}",
                                typer,
                                participants.conversationId(),
                                error.toString()));
    }

    static String frame(Frames frames, DeviceAddress typer, String conversationId, boolean typing, long expiresAt) {
        return frames.ephemeralEvent(
                EVENT,
                UUID.randomUUID().toString(),
                Map.of(
                        "conversationId", conversationId,
                        "userId", typer.userId(),
                        "typing", Boolean.toString(typing),
                        "expiresAt", Long.toString(expiresAt)));
    }

    private static String key(String conversationId) {
        return "typing:" + conversationId;
    }

    private static String pushedKey(String conversationId, String userId) {
        return "typing:pushed:" + conversationId + ":" + userId;
    }
}
