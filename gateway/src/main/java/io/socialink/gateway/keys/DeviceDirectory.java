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
 * Active devices per user (deviceId → registrationId) for the send path, with a short-lived cache in front of
 * Postgres: at thousands of sends per second most lookups are for the same few users. A cached list can be up to
 * {@code socialink.gateway.device-cache} old, so callers re-read with {@code fresh} before rejecting a send, and
 * registrations on this node evict the user at once.
 */
@Component
public class DeviceDirectory {

    private static final int MAX_ENTRIES = 100_000;

    private final DeviceRepository repository;
    private final long ttlNanos;
    private final ConcurrentMap<String, Cached> cache = new ConcurrentHashMap<>();

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
            Cached cached = fresh ? null : cache.get(userId);
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
            long loadedAt = System.nanoTime();
            loaded.forEach((userId, userDevices) -> {
                Map<Integer, Integer> immutable = Map.copyOf(userDevices);
                cache.put(userId, new Cached(immutable, loadedAt));
                found.put(userId, immutable);
            });
            return found;
        });
    }

    /** Forgets the cached list of {@code userId}, after its devices changed. */
    public void evict(String userId) {
        cache.remove(userId);
    }
}
