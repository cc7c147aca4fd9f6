package io.socialink.delivery.topology;

import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.internals.CachingKeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * Keeps a key that is written and deleted between two commits out of RocksDB and the changelog altogether.
 *
 * <p>Streams' record cache merges the writes of a key until the next commit, but a key deleted by then is still
 * flushed as a tombstone, to the store and to its changelog, even when the store never had it. Most queue entries
 * live that short (pushed, acked and removed within the worker's 1 s commit interval), so every message and every
 * receipt wrote a tombstone for its entry and one for its messageId index key: a third of the Kafka records of a
 * message. The cache skips such a flush only for a store that has a flush listener (it is how Streams avoids
 * forwarding deletes of keys a table never had), so a listener that does nothing is installed on the cache layer:
 * a tombstone is then flushed only when the store holds the key, which the cache checks with one local get.
 *
 * <p>The cache layer is an internal class of Kafka Streams, so an upgrade of Streams may move it:
 * {@code OneToOneDeliveryIT} counts the changelog records of acked entries and fails if the tombstones come back.
 */
final class UnflushedDeletes {

    private UnflushedDeletes() {}

    /**
     * Installs the listener on the record cache of {@code store} (a store as the processor context hands it out,
     * wrapped in its metering and read-write layers); false when the store has no record cache.
     */
    static boolean skipIn(StateStore store) {
        StateStore layer = store;
        while (layer instanceof WrappedStateStore<?, ?, ?> wrapper) {
            // the cache layer works on raw bytes, below the metering layer and its serdes (every layer accepts a
            // listener and hands it down, the metering one decoding each flushed value for it), so the listener is
            // set on the cache itself and nothing is decoded
            if (layer instanceof CachingKeyValueStore cache) {
                return cache.setFlushListener(record -> {}, false);
            }
            layer = wrapper.wrapped();
        }
        return false;
    }
}
