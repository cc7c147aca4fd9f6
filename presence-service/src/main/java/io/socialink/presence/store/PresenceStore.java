package io.socialink.presence.store;

import io.socialink.schemas.presence.PresenceKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Presence in Redis ({@link PresenceKeys}): each connection event updates its device and its user's online state
 * and last seen in one Lua script ({@code apply.lua}), so concurrent events of one user's devices (handled by
 * different partitions or instances) never interleave, and re-applying an event after a crash changes nothing it
 * had not already changed. A gateway incarnation's NODE_ALIVE only moves its last-heard time: it keeps every device
 * on it alive without touching them.
 */
public class PresenceStore {

    /** The script's event type that changes no device and only re-derives the user's state. */
    static final String SWEEP = "SWEEP";

    private static final RedisScript<Long> APPLY =
            RedisScript.of(new ClassPathResource("io/socialink/presence/store/apply.lua"), Long.class);

    /** Keeps the latest time per incarnation: NODE_ALIVE records of different partitions arrive in any order. */
    private static final RedisScript<Long> NODE_ALIVE = RedisScript.of("""
            local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
            if tonumber(ARGV[2]) > current then
              redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            end
            return 0
            """, Long.class);

    /** Forgets a silent incarnation once the sweep took all of its users (a NODE_ALIVE meanwhile keeps it). */
    private static final RedisScript<Long> FORGET = RedisScript.of("""
            local heard = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
            if heard < 0 or heard + tonumber(ARGV[2]) > tonumber(ARGV[3]) or redis.call('SCARD', KEYS[2]) > 0 then
              return 0
            end
            redis.call('HDEL', KEYS[1], ARGV[1])
            return 1
            """, Long.class);

    private final StringRedisTemplate redis;
    private final long ttlMillis;

    public PresenceStore(StringRedisTemplate redis, Duration deviceTtl) {
        this.redis = redis;
        this.ttlMillis = deviceTtl.toMillis();
    }

    /**
     * Applies connection event {@code type} (a {@code ConnectionEventType} name) of device {@code deviceId}, whose
     * socket gateway incarnation {@code incarnation} holds, at {@code at}; returns whether the user is online
     * afterwards.
     */
    public boolean apply(
            String userId, int deviceId, String type, String connectionId, String incarnation, long at, long now) {
        Long online = redis.execute(
                APPLY,
                List.of(
                        PresenceKeys.devices(userId),
                        PresenceKeys.ONLINE,
                        PresenceKeys.LAST_SEEN,
                        PresenceKeys.CHANGES,
                        PresenceKeys.INCARNATIONS),
                userId,
                Integer.toString(deviceId),
                type,
                connectionId.isEmpty() ? "-" : connectionId,
                Long.toString(at),
                Long.toString(ttlMillis),
                Long.toString(now),
                incarnation.isEmpty() ? "-" : incarnation,
                PresenceKeys.usersOfPrefix(),
                Long.toString(PresenceKeys.UNTIL_SWEPT));
        return online != null && online == 1L;
    }

    /** Gateway incarnation {@code incarnation} was alive at {@code at} (a NODE_ALIVE). */
    public void nodeAlive(String incarnation, long at) {
        redis.execute(
                NODE_ALIVE,
                List.of(PresenceKeys.INCARNATIONS),
                incarnation.isEmpty() ? "-" : incarnation,
                Long.toString(at));
    }

    /** Up to {@code limit} users still in the online set with a score that passed (a device of no known incarnation). */
    public Set<String> stale(long now, int limit) {
        Set<String> users =
                redis.opsForZSet().rangeByScore(PresenceKeys.ONLINE, Double.NEGATIVE_INFINITY, now, 0, limit);
        return users == null ? Set.of() : users;
    }

    /** The gateway incarnations not heard of for the device TTL by {@code now}: their gateways died. */
    public List<String> silentIncarnations(long now) {
        Map<Object, Object> heard = redis.opsForHash().entries(PresenceKeys.INCARNATIONS);
        List<String> silent = new ArrayList<>();
        heard.forEach((incarnation, at) -> {
            if (Long.parseLong(at.toString()) + ttlMillis <= now) {
                silent.add(incarnation.toString());
            }
        });
        return silent;
    }

    /** Up to {@code limit} of the users with a device on {@code incarnation}. */
    public List<String> usersOf(String incarnation, int limit) {
        Set<String> users = redis.opsForSet().distinctRandomMembers(PresenceKeys.usersOf(incarnation), limit);
        return users == null ? List.of() : List.copyOf(users);
    }

    /** Forgets a silent incarnation without users left; false if it has users or was heard of meanwhile. */
    public boolean forget(String incarnation, long now) {
        Long forgotten = redis.execute(
                FORGET,
                List.of(PresenceKeys.INCARNATIONS, PresenceKeys.usersOf(incarnation)),
                incarnation,
                Long.toString(ttlMillis),
                Long.toString(now));
        return forgotten != null && forgotten == 1L;
    }

    /** Re-derives a user at {@code now}: devices whose incarnation went silent leave; false if still online. */
    public boolean sweep(String userId, long now) {
        return !apply(userId, 0, SWEEP, "-", "-", now, now);
    }
}
