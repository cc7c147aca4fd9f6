package io.socialink.gateway.calls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.gateway.kafka.PollLoop;
import io.socialink.schemas.avro.CallEvent;
import io.socialink.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Consumes {@code call.events} (committed records only: call-signaling writes them in its transactions) on a
 * dedicated thread in the consumer group shared by all gateway nodes, from the beginning on first start (the topic
 * is the calls' event store): the events of each poll are applied to {@code call_history} in one transaction, then
 * offsets are committed. At least once: a crash re-applies events since the last commit, which the projector makes
 * harmless. A failing batch is retried from the same offsets after a pause, never skipped; only undecodable records
 * are skipped. The same shape as the group projection's consumer.
 */
public class CallHistoryConsumer extends PollLoop<String, CallEvent> {

    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(30);
    public static final String APPLIED = "socialink.calls.history.events.applied";

    private final CallHistoryProjector projector;
    private final Counter applied;

    public CallHistoryConsumer(
            Consumer<String, CallEvent> consumer,
            String topic,
            CallHistoryProjector projector,
            MeterRegistry registry) {
        super(consumer, "call-history", "call history consumer", "call event");
        this.projector = projector;
        this.applied = Counter.builder(APPLIED)
                .description("call events applied to the call history")
                .register(registry);
        consumer.subscribe(List.of(topic));
    }

    public static Consumer<String, CallEvent> consumer(String bootstrapServers, String groupId, String clientId) {
        Properties properties = consumerProperties(bootstrapServers, clientId);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        return new KafkaConsumer<>(
                properties,
                Topics.CALL_EVENTS.keySerde().deserializer(),
                Topics.CALL_EVENTS.valueSerde().deserializer());
    }

    @Override
    protected void handle(ConsumerRecords<String, CallEvent> records) {
        applyThenCommit(records, "call history", events -> {
            projector.applyAll(events).block(APPLY_TIMEOUT);
            applied.increment(events.size());
        });
    }
}
