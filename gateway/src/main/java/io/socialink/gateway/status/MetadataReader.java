package io.socialink.gateway.status;

import io.socialink.schemas.avro.MessageMetadata;
import io.socialink.schemas.topics.Topics;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;

/** Kafka consumers of {@code metadata.messages} for the projection and its rebuild. */
final class MetadataReader {

    private MetadataReader() {}

    /** A consumer in {@code groupId} (null: no group, for assigned replays); starts at the beginning, no auto commit. */
    static KafkaConsumer<String, MessageMetadata> consumer(
            String bootstrapServers, @Nullable String groupId, String clientId) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        if (groupId != null) {
            properties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        return new KafkaConsumer<>(
                properties,
                new StringDeserializer(),
                Topics.METADATA_MESSAGES.valueSerde().deserializer());
    }
}
