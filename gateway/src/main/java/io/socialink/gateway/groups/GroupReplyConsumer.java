package io.socialink.gateway.groups;

import io.socialink.gateway.kafka.PollLoop;
import io.socialink.schemas.avro.GroupReply;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads this node's partition (= node id) of {@code group.replies} on a dedicated thread, committed records only
 * ({@code read_committed}: group-fanout writes each reply in the transaction of the command's events), and hands
 * each reply to the waiting request. It starts at the end of the partition, positioned before the first request is
 * sent: replies are only for requests of this process. No consumer group, no commits (like the push consumer).
 */
public class GroupReplyConsumer extends PollLoop<String, GroupReply> {

    private final TopicPartition partition;
    private final Consumer<GroupReply> handler;

    /** Assigns the partition and positions at its end before returning. */
    public GroupReplyConsumer(
            org.apache.kafka.clients.consumer.Consumer<String, GroupReply> consumer,
            TopicLayout layout,
            int nodeId,
            Consumer<GroupReply> handler) {
        super(
                consumer,
                "group-replies-" + nodeId,
                "group reply consumer of " + partition(layout, nodeId),
                "group reply");
        this.partition = assignAtEnd(partition(layout, nodeId));
        this.handler = handler;
    }

    private static TopicPartition partition(TopicLayout layout, int nodeId) {
        return new TopicPartition(layout.name(Topics.GROUP_REPLIES), nodeId);
    }

    public static GroupReplyConsumer create(
            String bootstrapServers, String clientId, TopicLayout layout, int nodeId, Consumer<GroupReply> handler) {
        Properties properties = consumerProperties(bootstrapServers, clientId);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        return closingOnFailure(
                new KafkaConsumer<>(
                        properties,
                        Topics.GROUP_REPLIES.keySerde().deserializer(),
                        Topics.GROUP_REPLIES.valueSerde().deserializer()),
                consumer -> new GroupReplyConsumer(consumer, layout, nodeId, handler));
    }

    @Override
    protected void handle(ConsumerRecords<String, GroupReply> records) {
        eachRecord(
                records,
                record -> {
                    if (record.value() != null) {
                        handler.accept(record.value());
                    }
                },
                "group reply at {}@{} not handled: {}");
    }

    public TopicPartition partition() {
        return partition;
    }
}
