package io.socialink.client.socket;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The most recently accepted message ids of one device, bounded (least recently seen evicted first), so that
 * at-least-once delivery becomes at-most-once to the application within that window. Share one instance across
 * reconnects of the same device to drop re-pushes after a reconnect too. Thread-safe.
 */
public final class SeenMessageIds {

    public static final int DEFAULT_CAPACITY = 10_000;

    private final Map<UUID, Boolean> ids;

    public SeenMessageIds(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.ids = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    public SeenMessageIds() {
        this(DEFAULT_CAPACITY);
    }

    /** Records the id; true when it was not seen before (deliver it), false for a duplicate (drop it). */
    public synchronized boolean firstSighting(UUID messageId) {
        return ids.put(messageId, Boolean.TRUE) == null;
    }

    /** Forgets an id whose delivery failed, so its redelivery is accepted. */
    public synchronized void forget(UUID messageId) {
        ids.remove(messageId);
    }

    public synchronized int size() {
        return ids.size();
    }
}
