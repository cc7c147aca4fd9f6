package io.socialink.schemas.topics;

import java.time.Duration;

import org.apache.kafka.common.serialization.Serde;

/**
 * One Kafka topic of the catalog with its key and value serdes. The real topic name is
 * {@link TopicLayout#name(Topic)}: the base name behind the deployment's prefix.
 *
 * @param retention how long records are kept; {@code null} keeps them forever
 * @param compacted a compacted topic keeps the latest record per key
 */
public record Topic<K, V>(String baseName, Serde<K> keySerde, Serde<V> valueSerde, PartitionGroup partitionGroup,
                          Duration retention, boolean compacted) {
}
