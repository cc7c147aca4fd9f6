package io.socialink.gateway.groups;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.schemas.avro.GroupEvent;
import io.socialink.schemas.topics.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code group.events} (committed records only) on a dedicated thread in the consumer group shared by all
 * gateway nodes, from the beginning on first start (the topic is the event store): the events of each poll are
 * applied to the group projection in one transaction, then offsets are committed. At least once: a crash re-applies
 * events since the last commit, which the projector makes harmless. A failing batch is retried from the same offsets
 * after a pause, never skipped; only undecodable records are skipped.
 */
public class GroupProjectionConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupProjectionConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(30);
    public static final String APPLIED = "socialink.groups.projection.events.applied";

    private final Consumer<String, GroupEvent> consumer;
    private final GroupProjector projector;
    private final Counter applied;
    private final Thread thread;
    private volatile boolean running = true;

    public GroupProjectionConsumer(Consumer<String, GroupEvent> consumer, String topic, GroupProjector projector,
                                   MeterRegistry registry) {
        this.consumer = consumer;
        this.projector = projector;
        this.applied = Counter.builder(APPLIED).description("group events applied to the group projection")
                .register(registry);
        consumer.subscribe(List.of(topic));
        this.thread = new Thread(this::run, "group-projection");
        thread.setDaemon(true);
    }

    public static Consumer<String, GroupEvent> consumer(String bootstrapServers, String groupId, String clientId) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        return new KafkaConsumer<>(properties, Topics.GROUP_EVENTS.keySerde().deserializer(),
                Topics.GROUP_EVENTS.valueSerde().deserializer());
    }

    public synchronized void start() {
        if (running && !thread.isAlive()) {
            thread.start();
        }
    }

    private void run() {
        try {
            while (running) {
                pollOnce();
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException | Error e) {
            log.error("group projection consumer stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void pollOnce() {
        ConsumerRecords<String, GroupEvent> records;
        try {
            records = consumer.poll(POLL_TIMEOUT);
        } catch (RecordDeserializationException e) {
            log.warn("skipping undecodable group event at {}@{}", e.topicPartition(), e.offset());
            consumer.seek(e.topicPartition(), e.offset() + 1);
            return;
        }
        if (records.isEmpty()) {
            return;
        }
        List<GroupEvent> events = new ArrayList<>(records.count());
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        Map<TopicPartition, Long> first = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, GroupEvent> record : records.records(partition)) {
                first.putIfAbsent(partition, record.offset());
                if (record.value() != null) {
                    events.add(record.value());
                }
                done.put(partition, new OffsetAndMetadata(record.offset() + 1));
            }
        }
        try {
            projector.applyAll(events).block(APPLY_TIMEOUT);
        } catch (RuntimeException e) {
            log.warn("group projection of {} events failed, retrying them: {}", events.size(), e.toString());
            first.forEach(consumer::seek);
            pause();
            return;
        }
        applied.increment(events.size());
        consumer.commitSync(done);
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ofSeconds(5));
            return;
        }
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
