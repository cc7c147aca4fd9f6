package io.socialink.testing;

import io.socialink.schemas.topics.TopicLayout;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The real local Kafka broker as one test class sees it: the catalog's topics under a prefix of its own, so
 * test classes never read each other's records.
 */
public record KafkaTestEnv(String bootstrapServers, TopicLayout layout) {

    /** What the Spring apps read: {@code socialink.kafka.bootstrap-servers} and {@code socialink.topics.*}. */
    public Map<String, Object> springProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("socialink.kafka.bootstrap-servers", bootstrapServers);
        properties.put("socialink.topics.prefix", layout.prefix());
        properties.put("socialink.topics.device-partitions", layout.devicePartitions());
        properties.put("socialink.topics.push-partitions", layout.pushPartitions());
        properties.put("socialink.topics.metadata-partitions", layout.metadataPartitions());
        properties.put("socialink.topics.group-partitions", layout.groupPartitions());
        properties.put("socialink.topics.replication-factor", layout.replicationFactor());
        return properties;
    }

    /** A producer of raw bytes: pair it with a topic's serdes ({@code Topics.X.valueSerde()}). */
    public Properties producerProperties() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return properties;
    }

    /** A consumer of raw bytes that reads from the beginning and commits nothing. */
    public Properties consumerProperties(String groupId) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return properties;
    }
}
