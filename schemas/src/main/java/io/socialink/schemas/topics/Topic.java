package io.socialink.schemas.topics;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.jspecify.annotations.Nullable;

/**
 * One Kafka topic of the catalog with its key and value serdes. The real topic name is
 * {@link TopicLayout#name(Topic)}: the base name behind the deployment's prefix.
 *
 * @param retention how long records are kept; {@code null} keeps them forever
 * @param compacted a compacted topic keeps the latest record per key
 * @param maxMessageBytes the largest record batch the topic takes ({@code max.message.bytes}); 0 keeps the
 *                        broker's default
 */
public record Topic<K, V>(
        String baseName,
        Serde<K> keySerde,
        Serde<V> valueSerde,
        PartitionGroup partitionGroup,
        @Nullable Duration retention,
        boolean compacted,
        int maxMessageBytes) {

    /**
     * Records that carry MLS commit bundles or Welcomes: a bundle is at most 2 MiB, plus framing and the other
     * records of its batch.
     */
    public static final int LARGE_MESSAGE_BYTES = 4 * 1024 * 1024;

    public Topic(
            String baseName,
            Serde<K> keySerde,
            Serde<V> valueSerde,
            PartitionGroup partitionGroup,
            @Nullable Duration retention,
            boolean compacted) {
        this(baseName, keySerde, valueSerde, partitionGroup, retention, compacted, 0);
    }
}
