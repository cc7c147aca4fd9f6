package io.socialink.delivery.queue;

import io.socialink.schemas.avro.Delivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the head of a device's queue from a read-only view of the entries store (an interactive query), oldest
 * first. Entries past their deadline are left out: a reader cannot remove them, and the processor removes them and
 * reports them EXPIRED once, at its next push or sweep, so a copy is never handed out after its {@code expiresAt}.
 */
public final class QueueHead {

    private QueueHead() {}

    /** Up to {@code limit} entries of {@code address} still deliverable at {@code now}, in queue order. */
    public static List<Delivery> read(
            ReadOnlyKeyValueStore<Bytes, Delivery> entries, String address, int limit, long now, Duration queueTtl) {
        long ttlMillis = queueTtl.toMillis();
        List<Delivery> head = new ArrayList<>();
        try (KeyValueIterator<Bytes, Delivery> iterator =
                entries.range(StoreKeys.entry(address, 0), StoreKeys.entry(address, Long.MAX_VALUE))) {
            while (iterator.hasNext() && head.size() < limit) {
                KeyValue<Bytes, Delivery> entry = iterator.next();
                if (DeviceQueues.deadlineOf(entry.value, ttlMillis) > now) {
                    head.add(entry.value);
                }
            }
        }
        return head;
    }
}
