package io.socialink.gateway.groups;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

import io.socialink.schemas.avro.GroupReply;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads this node's partition (= node id) of {@code group.replies} on a dedicated thread, committed records only
 * ({@code read_committed}: group-fanout writes each reply in the transaction of the command's events), and hands
 * each reply to the waiting request. It starts at the end of the partition, positioned before the first request is
 * sent: replies are only for requests of this process. No consumer group, no commits (like the push consumer).
 */
public class GroupReplyConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupReplyConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final org.apache.kafka.clients.consumer.Consumer<String, GroupReply> consumer;
    private final TopicPartition partition;
    private final Consumer<GroupReply> handler;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Instant lastPoll = Instant.now();
    private volatile Throwable failure;

    /** Assigns the partition and positions at its end before returning. */
    public GroupReplyConsumer(org.apache.kafka.clients.consumer.Consumer<String, GroupReply> consumer,
                              TopicLayout layout, int nodeId, Consumer<GroupReply> handler) {
        this.consumer = consumer;
        this.partition = new TopicPartition(layout.name(Topics.GROUP_REPLIES), nodeId);
        this.handler = handler;
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition);
        this.thread = new Thread(this::run, "group-replies-" + nodeId);
        thread.setDaemon(true);
    }

    public static GroupReplyConsumer create(String bootstrapServers, String clientId, TopicLayout layout, int nodeId,
                                            Consumer<GroupReply> handler) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        KafkaConsumer<String, GroupReply> consumer = new KafkaConsumer<>(properties,
                Topics.GROUP_REPLIES.keySerde().deserializer(), Topics.GROUP_REPLIES.valueSerde().deserializer());
        try {
            return new GroupReplyConsumer(consumer, layout, nodeId, handler);
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
            log.error("group reply consumer of {} stopped", partition, e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void pollOnce() {
        try {
            for (ConsumerRecord<String, GroupReply> record : consumer.poll(POLL_TIMEOUT)) {
                if (record.value() == null) {
                    continue;
                }
                try {
                    handler.accept(record.value());
                } catch (RuntimeException e) {
                    log.warn("group reply at {}@{} not handled: {}", partition, record.offset(), e.toString());
                }
            }
            lastPoll = Instant.now();
        } catch (RecordDeserializationException e) {
            log.warn("skipping undecodable group reply at {}@{}", e.topicPartition(), e.offset());
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
