package io.socialink.gateway.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.schemas.avro.MessageMetadata;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * Consumes {@code metadata.messages} on a dedicated thread in the consumer group shared by all gateway nodes: the
 * events of each poll are applied to the projection in one transaction and, for DELIVERED and READ, fanned out as
 * receipts, then offsets are committed.
 * At least once: a crash re-applies events since the last commit, which the projection and the receipt event ids
 * make harmless. A failing batch (Postgres or Kafka down) is retried from the same offsets after a pause, never
 * skipped; only undecodable records are skipped.
 */
public class StatusProjectionConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StatusProjectionConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(30);
    private static final int FANOUT_CONCURRENCY = 64;
    public static final String APPLIED = "socialink.projection.events.applied";

    private final Consumer<String, MessageMetadata> consumer;
    private final StatusProjector projector;
    private final ReceiptFanout receipts;
    private final Duration sweepInterval;
    private final Counter applied;
    private final Thread thread;
    private volatile boolean running = true;
    private long lastSweep = System.nanoTime();

    public StatusProjectionConsumer(Consumer<String, MessageMetadata> consumer, String topic,
                                    StatusProjector projector, ReceiptFanout receipts, Duration sweepInterval,
                                    MeterRegistry registry) {
        this.consumer = consumer;
        this.projector = projector;
        this.receipts = receipts;
        this.sweepInterval = sweepInterval;
        this.applied = Counter.builder(APPLIED).description("metadata events applied to the status projection")
                .register(registry);
        consumer.subscribe(List.of(topic));
        this.thread = new Thread(this::run, "status-projection");
        thread.setDaemon(true);
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
                sweepWhenDue();
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException | Error e) {
            log.error("status projection consumer stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void pollOnce() {
        ConsumerRecords<String, MessageMetadata> records;
        try {
            records = consumer.poll(POLL_TIMEOUT);
        } catch (RecordDeserializationException e) {
            log.warn("skipping undecodable metadata at {}@{}", e.topicPartition(), e.offset());
            consumer.seek(e.topicPartition(), e.offset() + 1);
            return;
        }
        if (records.isEmpty()) {
            return;
        }
        List<MessageMetadata> events = new ArrayList<>(records.count());
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        Map<TopicPartition, Long> first = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, MessageMetadata> record : records.records(partition)) {
                first.putIfAbsent(partition, record.offset());
                if (record.value() != null) {
                    events.add(record.value());
                }
                done.put(partition, new OffsetAndMetadata(record.offset() + 1));
            }
        }
        try {
            // receipts only after the rows are committed, all of a poll's receipts in flight at once
            projector.applyAll(events)
                    .then(Flux.fromIterable(events).flatMap(receipts::fanOut, FANOUT_CONCURRENCY).then())
                    .block(APPLY_TIMEOUT);
        } catch (RuntimeException e) {
            log.warn("status projection of {} events failed, retrying them: {}", events.size(), e.toString());
            first.forEach(consumer::seek);
            pause();
            return;
        }
        applied.increment(events.size());
        consumer.commitSync(done);
    }

    private void sweepWhenDue() {
        if (System.nanoTime() - lastSweep < sweepInterval.toNanos()) {
            return;
        }
        lastSweep = System.nanoTime();
        try {
            projector.sweepExpired().block(APPLY_TIMEOUT);
        } catch (RuntimeException e) {
            log.warn("sweeping expired status rows failed: {}", e.toString());
        }
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
