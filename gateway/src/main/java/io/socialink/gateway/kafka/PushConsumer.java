package io.socialink.gateway.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.function.BiConsumer;

import io.socialink.schemas.avro.Push;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads this node's partition (= node id) of {@code gateway.push} on a dedicated thread and hands each push to the
 * socket layer. It starts at the end of the partition: pushes are only for sockets that are live now, and a device
 * that reconnects gets its queue re-drained, so nothing older is worth reading. No consumer group, no commits.
 */
public class PushConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PushConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final Consumer<String, Push> consumer;
    private final TopicPartition partition;
    private final BiConsumer<String, Push> handler;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Instant lastPoll = Instant.now();
    private volatile Throwable failure;

    /** Assigns the partition and positions at its end before returning, so pushes produced after this are seen. */
    public PushConsumer(Consumer<String, Push> consumer, TopicLayout layout, int nodeId,
                        BiConsumer<String, Push> handler) {
        this.consumer = consumer;
        this.partition = new TopicPartition(layout.name(Topics.GATEWAY_PUSH), nodeId);
        this.handler = handler;
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition);
        this.thread = new Thread(this::run, "gateway-push-" + nodeId);
        thread.setDaemon(true);
    }

    public static PushConsumer create(String bootstrapServers, String clientId, TopicLayout layout, int nodeId,
                                      BiConsumer<String, Push> handler) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        KafkaConsumer<String, Push> consumer = new KafkaConsumer<>(properties,
                Topics.GATEWAY_PUSH.keySerde().deserializer(), Topics.GATEWAY_PUSH.valueSerde().deserializer());
        try {
            return new PushConsumer(consumer, layout, nodeId, handler);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
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
            if (running) {
                failure = e;
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            log.error("push consumer of {} stopped", partition, e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void pollOnce() {
        try {
            for (ConsumerRecord<String, Push> record : consumer.poll(POLL_TIMEOUT)) {
                try {
                    handler.accept(record.key(), record.value());
                } catch (RuntimeException e) {
                    log.warn("push at {}@{} not delivered: {}", partition, record.offset(), e.toString());
                }
            }
            lastPoll = Instant.now();
        } catch (RecordDeserializationException e) {
            log.warn("skipping undecodable push at {}@{}", e.topicPartition(), e.offset());
            consumer.seek(e.topicPartition(), e.offset() + 1);
        }
    }

    public TopicPartition partition() {
        return partition;
    }

    /** Whether the thread is polling; false once it stopped on an error. */
    public boolean isRunning() {
        return thread.isAlive() && failure == null;
    }

    public Instant lastPoll() {
        return lastPoll;
    }

    public Throwable failure() {
        return failure;
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
