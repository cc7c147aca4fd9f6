package io.socialink.gateway.presence;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Users' presence settings as this node last read them, for rendering live presence changes without a database
 * read per change. An entry is dropped when the user's settings change (the {@code <userId> settings} message on
 * the presence changes channel, on every node), when the node subscribes to that channel again after losing it (a
 * message may have been missed), and after {@link #TTL} in any case. REST reads and subscription snapshots read the
 * database, so a user always reads its own change at once.
 */
@Component
public class PresenceSettingsCache {

    static final Duration TTL = Duration.ofSeconds(30);
    static final int MAX_ENTRIES = 100_000;

    private record Entry(PresenceSettings settings, long loadedAt) {}

    private final PresenceRepository repository;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** Counts invalidations, so that a read that raced with one does not put back what it dropped. */
    private final AtomicLong invalidations = new AtomicLong();

    public PresenceSettingsCache(PresenceRepository repository) {
        this.repository = repository;
    }

    /** The settings of every listed user (the defaults for those without a row); misses in one database read. */
    public Mono<Map<String, PresenceSettings>> settings(Collection<String> users) {
        long now = System.nanoTime();
        Map<String, PresenceSettings> found = new HashMap<>();
        Set<String> missing = new HashSet<>();
        for (String user : users) {
            Entry entry = entries.get(user);
            if (entry != null && now - entry.loadedAt() < TTL.toNanos()) {
                found.put(user, entry.settings());
            } else {
                missing.add(user);
            }
        }
        if (missing.isEmpty()) {
            return Mono.just(found);
        }
        long generation = invalidations.get();
        return repository.settings(missing).map(loaded -> {
            if (entries.size() + missing.size() > MAX_ENTRIES) {
                entries.clear();
            }
            boolean current = invalidations.get() == generation;
            for (String user : missing) {
                PresenceSettings settings = loaded.getOrDefault(user, PresenceSettings.DEFAULTS);
                found.put(user, settings);
                if (current) {
                    entries.put(user, new Entry(settings, now));
                }
            }
            return found;
        });
    }

    /** The user's settings changed. */
    public void forget(String user) {
        invalidations.incrementAndGet();
        entries.remove(user);
    }

    /** Changes may have been missed. */
    public void clear() {
        invalidations.incrementAndGet();
        entries.clear();
    }

    int size() {
        return entries.size();
    }
}
