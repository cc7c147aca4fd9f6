package io.socialink.gateway.status;

import io.socialink.schemas.avro.MessageMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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

    /**
     * Truncates and replays; returns the number of events applied. The log line reports the replay's own time and
     * rate (truncate and final sweep excluded), the projection throughput figure of docs/benchmarks.md.
     */
    public long rebuild() {
        long started = System.nanoTime();
        projector.truncate().block(TIMEOUT);
        long replayStarted = System.nanoTime();
        long applied = 0;
        try (KafkaConsumer<String, MessageMetadata> consumer =
                MetadataReader.consumer(bootstrapServers, null, "gateway-projection-rebuild")) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(PartitionInfo::partition)
                    .map(partition -> new TopicPartition(topic, partition))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            // endOffsets answers for every partition it was asked about
            while (partitions.stream()
                    .anyMatch(partition -> consumer.position(partition) < Objects.requireNonNull(end.get(partition)))) {
                List<MessageMetadata> batch = new ArrayList<>();
                for (ConsumerRecord<String, MessageMetadata> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < Objects.requireNonNull(end.get(partition)) && record.value() != null) {
                        batch.add(record.value());
                    }
                }
                projector.applyAll(batch).block(TIMEOUT);
                applied += batch.size();
            }
        }
        long replayNanos = System.nanoTime() - replayStarted;
        projector.sweepExpired().block(TIMEOUT);
        double replaySeconds = replayNanos / 1e9;
        log.info(
                "status projection rebuilt from {} events of {}: replay {} s, {} events/s (total {} s with truncate"
                        + " and sweep)",
                applied,
                topic,
                String.format(Locale.ROOT, "%.3f", replaySeconds),
                String.format(Locale.ROOT, "%.0f", applied / Math.max(replaySeconds, 1e-9)),
                String.format(Locale.ROOT, "%.3f", (System.nanoTime() - started) / 1e9));
        return applied;
    }
}
