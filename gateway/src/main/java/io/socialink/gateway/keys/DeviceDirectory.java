package io.socialink.gateway.keys;

import io.socialink.gateway.config.GatewayProperties;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Active devices per user (deviceId → registrationId) for the send path, with a cache in front of Postgres, so that
 * a send costs no query for a user whose devices did not change. A user's list is forgotten on every node as soon as
 * one of the user's devices is registered or removed on any node ({@link DeviceChanges}); while this node does not
 * hear those changes (its Redis subscription is down) it uses no cached list at all. A list is kept at most
 * {@code socialink.gateway.device-cache} (a backstop for a change whose message was lost), and callers re-read with
 * {@code fresh} before rejecting a send.
 */
@Component
public class DeviceDirectory {

    private static final int MAX_ENTRIES = 100_000;

    private final DeviceRepository repository;
    private final long ttlNanos;
    private final ConcurrentMap<String, Cached> cache = new ConcurrentHashMap<>();
    private volatile boolean hearingChanges;
    private volatile long hearingSince;
    /** When each user's devices last changed as heard here: a list read before that is not cached. */
    private final ConcurrentMap<String, Long> changedAt = new ConcurrentHashMap<>();

    private record Cached(Map<Integer, Integer> devices, long loadedAt) {}

    public DeviceDirectory(DeviceRepository repository, GatewayProperties properties) {
        this.repository = repository;
        this.ttlNanos = properties.deviceCache().toNanos();
    }

    /** Active devices of each of {@code userIds} (an empty map for a user without any), from one query at most. */
    public Mono<Map<String, Map<Integer, Integer>>> activeDevices(Set<String> userIds, boolean fresh) {
        Map<String, Map<Integer, Integer>> found = new HashMap<>();
        List<String> missing = new ArrayList<>(userIds.size());
        long now = System.nanoTime();
        for (String userId : userIds) {
            Cached cached = fresh || !hearingChanges ? null : cache.get(userId);
            if (cached != null && now - cached.loadedAt() < ttlNanos) {
                found.put(userId, cached.devices());
            } else {
                missing.add(userId);
            }
        }
        if (missing.isEmpty()) {
            return Mono.just(found);
        }
        return repository.activeDevices(missing).collectList().map(devices -> {
            Map<String, Map<Integer, Integer>> loaded = new HashMap<>();
            missing.forEach(userId -> loaded.put(userId, new HashMap<>()));
            // the query asked for these users only
            devices.forEach(device -> Objects.requireNonNull(loaded.get(device.userId()))
                    .put(device.deviceId(), device.registrationId()));
            if (cache.size() >= MAX_ENTRIES) {
                cache.clear();
            }
            loaded.forEach((userId, userDevices) -> {
                Map<Integer, Integer> immutable = Map.copyOf(userDevices);
                // kept only when read while this node hears changes, and after the last change it heard: a list
                // read before either may lack a change that no message will evict
                if (!hearingChanges || now - hearingSince < 0 || changedSince(userId, now)) {
                    found.put(userId, immutable);
                    return;
                }
                cache.put(userId, new Cached(immutable, now));
                found.put(userId, immutable);
            });
            return found;
        });
    }

    /** Forgets the cached list of {@code userId}, after its devices changed. */
    public void evict(String userId) {
        changedAt.put(userId, System.nanoTime());
        cache.remove(userId);
        if (changedAt.size() > MAX_ENTRIES) {
            changedAt.clear();
        }
    }

    /**
     * Whether this node hears every node's device changes from now on ({@link DeviceChanges}); either way the cache
     * starts empty, as changes may have been missed.
     */
    void hearingChanges(boolean hearing) {
        hearingSince = System.nanoTime();
        hearingChanges = hearing;
        cache.clear();
    }

    private boolean changedSince(String userId, long startedAt) {
        Long changed = changedAt.get(userId);
        return changed != null && changed - startedAt >= 0;
    }
}
