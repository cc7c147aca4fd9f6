package io.socialink.gateway.kafka;

import io.socialink.schemas.topics.Topic;
import io.socialink.schemas.topics.TopicLayout;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads this node's partition (= node id) of a reply topic ({@code group.replies}, {@code call.replies}) on a
 * dedicated thread, committed records only ({@code read_committed}: the single writer writes each reply in the
 * transaction of the command's events), and hands each reply to the waiting request ({@link PendingReplies}). It
 * starts at the end of the partition, positioned before the first request is sent: replies are only for requests of
 * this process. No consumer group, no commits (like the push consumer).
 *
 * @param <R> the reply record
 */
public class ReplyConsumer<R> extends PollLoop<String, R> {

    private final String kind;
    private final TopicPartition partition;
    private final Consumer<R> handler;

    /**
     * Assigns the partition and positions at its end before returning.
     *
     * @param kind what the replies are for ("group", "call"): names the thread, the logs and the health details
     */
    public ReplyConsumer(
            org.apache.kafka.clients.consumer.Consumer<String, R> consumer,
            TopicPartition partition,
            String kind,
            int nodeId,
            Consumer<R> handler) {
        super(consumer, kind + "-replies-" + nodeId, kind + " reply consumer of " + partition, kind + " reply");
        this.kind = kind;
        this.partition = assignAtEnd(partition);
        this.handler = handler;
    }

    public static <R> ReplyConsumer<R> create(
            String bootstrapServers,
            String clientId,
            TopicLayout layout,
            Topic<String, R> topic,
            String kind,
            int nodeId,
            Consumer<R> handler) {
        Properties properties = consumerProperties(bootstrapServers, clientId);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        TopicPartition partition = new TopicPartition(layout.name(topic), nodeId);
        return closingOnFailure(
                new KafkaConsumer<>(
                        properties,
                        topic.keySerde().deserializer(),
                        topic.valueSerde().deserializer()),
                consumer -> new ReplyConsumer<>(consumer, partition, kind, nodeId, handler));
    }

    @Override
    protected void handle(ConsumerRecords<String, R> records) {
        eachRecord(
                records,
                record -> {
                    if (record.value() != null) {
                        handler.accept(record.value());
                    }
                },
                kind + " reply at {}@{} not handled: {}");
    }

    /** What the replies are for ("group", "call"). */
    public String kind() {
        return kind;
    }

    public TopicPartition partition() {
        return partition;
    }
}
