package io.socialink.gateway.kafka;

import io.socialink.schemas.avro.Push;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import java.util.Properties;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads this node's partition (= node id) of {@code gateway.push} on a dedicated thread and hands each push to the
 * socket layer. It starts at the end of the partition: pushes are only for sockets that are live now, and a device
 * that reconnects gets its queue re-drained, so nothing older is worth reading. No consumer group, no commits.
 */
public class PushConsumer extends PollLoop<String, Push> {

    private final TopicPartition partition;
    private final BiConsumer<String, Push> handler;

    /** Assigns the partition and positions at its end before returning, so pushes produced after this are seen. */
    public PushConsumer(
            Consumer<String, Push> consumer, TopicLayout layout, int nodeId, BiConsumer<String, Push> handler) {
        super(consumer, "gateway-push-" + nodeId, "push consumer of " + partition(layout, nodeId), "push");
        this.partition = assignAtEnd(partition(layout, nodeId));
        this.handler = handler;
    }

    private static TopicPartition partition(TopicLayout layout, int nodeId) {
        return new TopicPartition(layout.name(Topics.GATEWAY_PUSH), nodeId);
    }

    public static PushConsumer create(
            String bootstrapServers,
            String clientId,
            TopicLayout layout,
            int nodeId,
            BiConsumer<String, Push> handler) {
        Properties properties = consumerProperties(bootstrapServers, clientId);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        return closingOnFailure(
                new KafkaConsumer<>(
                        properties,
                        Topics.GATEWAY_PUSH.keySerde().deserializer(),
                        Topics.GATEWAY_PUSH.valueSerde().deserializer()),
                consumer -> new PushConsumer(consumer, layout, nodeId, handler));
    }

    @Override
    protected void handle(ConsumerRecords<String, Push> records) {
        eachRecord(records, record -> handler.accept(record.key(), record.value()), "push at {}@{} not delivered: {}");
    }

    public TopicPartition partition() {
        return partition;
    }
}
