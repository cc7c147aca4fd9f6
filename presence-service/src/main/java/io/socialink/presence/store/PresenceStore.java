package io.socialink.presence.store;

import io.socialink.schemas.presence.PresenceKeys;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Presence in Redis ({@link PresenceKeys}): each connection event updates its device and its user's online state
 * and last seen in one Lua script ({@code apply.lua}), so concurrent events of one user's devices (handled by
 * different partitions or instances) never interleave, and re-applying an event after a crash changes nothing it
 * had not already changed.
 */
public class PresenceStore {

    /** The script's event type that changes no device and only re-derives the user's state. */
    static final String SWEEP = "SWEEP";

    private static final RedisScript<Long> APPLY =
            RedisScript.of(new ClassPathResource("io/socialink/presence/store/apply.lua"), Long.class);

    private final StringRedisTemplate redis;
    private final long ttlMillis;

    public PresenceStore(StringRedisTemplate redis, Duration deviceTtl) {
        this.redis = redis;
        this.ttlMillis = deviceTtl.toMillis();
    }

    /**
     * Applies connection event {@code type} (a {@code ConnectionEventType} name) of device {@code deviceId} at
     * {@code at}; returns whether the user is online afterwards.
     */
    public boolean apply(String userId, int deviceId, String type, String connectionId, long at, long now) {
        Long online = redis.execute(
                APPLY,
                List.of(
                        PresenceKeys.devices(userId),
                        PresenceKeys.ONLINE,
                        PresenceKeys.LAST_SEEN,
                        PresenceKeys.CHANGES),
                userId,
                Integer.toString(deviceId),
                type,
                connectionId.isEmpty() ? "-" : connectionId,
                Long.toString(at),
                Long.toString(ttlMillis),
                Long.toString(now));
        return online != null && online == 1L;
    }

    /** Up to {@code limit} users still in the online set whose every device passed its TTL by {@code now}. */
    public Set<String> stale(long now, int limit) {
        Set<String> users =
                redis.opsForZSet().rangeByScore(PresenceKeys.ONLINE, Double.NEGATIVE_INFINITY, now, 0, limit);
        return users == null ? Set.of() : users;
    }

    /** Takes a stale user offline (last seen: the last time one of its devices was seen); false if still online. */
    public boolean sweep(String userId, long now) {
        return !apply(userId, 0, SWEEP, "-", now, now);
    }
}
