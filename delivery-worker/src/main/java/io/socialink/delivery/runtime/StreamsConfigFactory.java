package io.socialink.delivery.runtime;

import io.socialink.delivery.config.DeliverySettings;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.streams.CommonStreamsConfig;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams configuration of the delivery-worker, tuned for low push latency: the common configuration,
 * at-least-once (a re-push after a crash is acceptable: devices drop duplicates by messageId).
 */
public final class StreamsConfigFactory {

    private StreamsConfigFactory() {}

    public static Properties create(String bootstrapServers, TopicLayout layout, DeliverySettings settings) {
        Properties properties =
                CommonStreamsConfig.create(settings.applicationId(), bootstrapServers, layout, settings);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        return properties;
    }
}
