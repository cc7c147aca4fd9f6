package io.socialink.gateway.groups;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.gateway.kafka.Periodic;
import io.socialink.gateway.kafka.PollLoop;
import io.socialink.schemas.avro.GroupEvent;
import io.socialink.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code group.events} (committed records only) on a dedicated thread in the consumer group shared by all
 * gateway nodes, from the beginning on first start (the topic is the event store): the events of each poll are
 * applied to the group projection in one transaction, then offsets are committed. At least once: a crash re-applies
 * events since the last commit, which the projector makes harmless. A failing batch is retried from the same offsets
 * after a pause, never skipped; only undecodable records are skipped.
 */
public class GroupProjectionConsumer extends PollLoop<String, GroupEvent> {

    private static final Logger log = LoggerFactory.getLogger(GroupProjectionConsumer.class);
    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(30);
    public static final String APPLIED = "socialink.groups.projection.events.applied";

    private final GroupProjector projector;
    private final Periodic sweep;
    private final Counter applied;

    public GroupProjectionConsumer(
            Consumer<String, GroupEvent> consumer,
            String topic,
            GroupProjector projector,
            GroupPayloads payloads,
            Duration sweepInterval,
            MeterRegistry registry) {
        super(consumer, "group-projection", "group projection consumer", "group event");
        this.projector = projector;
        // every node that runs the projection sweeps; the deletes of two nodes do not conflict
        this.sweep = new Periodic("sweeping group payloads", sweepInterval, () -> {
            Long swept = payloads.sweep(Instant.now()).block(APPLY_TIMEOUT);
            if (swept != null && swept > 0) {
                log.info("swept {} group payloads past their retention", swept);
            }
        });
        this.applied = Counter.builder(APPLIED)
                .description("group events applied to the group projection")
                .register(registry);
        consumer.subscribe(List.of(topic));
    }

    public static Consumer<String, GroupEvent> consumer(String bootstrapServers, String groupId, String clientId) {
        Properties properties = consumerProperties(bootstrapServers, clientId);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        return new KafkaConsumer<>(
                properties,
                Topics.GROUP_EVENTS.keySerde().deserializer(),
                Topics.GROUP_EVENTS.valueSerde().deserializer());
    }

    @Override
    protected void handle(ConsumerRecords<String, GroupEvent> records) {
        applyThenCommit(records, "group projection", events -> {
            projector.applyAll(events).block(APPLY_TIMEOUT);
            applied.increment(events.size());
        });
    }

    @Override
    protected void afterEachPoll() {
        sweep.runIfDue();
    }
}
