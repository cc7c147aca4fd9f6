package io.socialink.gateway.status;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.socialink.schemas.avro.MessageMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the status projection: truncates it, then applies {@code metadata.messages} from the beginning of every
 * partition to the end offsets seen when the replay starts (no consumer group, so the live projection's offsets are
 * untouched). No receipts are sent. Because the projection is a deterministic, idempotent function of the events,
 * the rebuilt rows equal the rows the live projection had for the same events.
 */
public class ProjectionRebuild {

    private static final Logger log = LoggerFactory.getLogger(ProjectionRebuild.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final String topic;
    private final StatusProjector projector;

    public ProjectionRebuild(String bootstrapServers, String topic, StatusProjector projector) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.projector = projector;
    }

    /** Truncates and replays; returns the number of events applied. */
    public long rebuild() {
        projector.truncate().block(TIMEOUT);
        long applied = 0;
        try (KafkaConsumer<String, MessageMetadata> consumer =
                     MetadataReader.consumer(bootstrapServers, null, "gateway-projection-rebuild")) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(PartitionInfo::partition).map(partition -> new TopicPartition(topic, partition)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                for (ConsumerRecord<String, MessageMetadata> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < end.get(partition) && record.value() != null) {
                        projector.apply(record.value()).block(TIMEOUT);
                        applied++;
                    }
                }
            }
        }
        projector.sweepExpired().block(TIMEOUT);
        log.info("status projection rebuilt from {} events of {}", applied, topic);
        return applied;
    }
}
