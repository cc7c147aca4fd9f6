package io.socialink.delivery.runtime;

import java.util.Properties;

import io.socialink.delivery.config.DeliverySettings;
import io.socialink.schemas.topics.Topic;
import io.socialink.schemas.topics.TopicLayout;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/** The Kafka Streams configuration of the delivery-worker, tuned for low push latency. */
public final class StreamsConfigFactory {

    private StreamsConfigFactory() {
    }

    public static Properties create(String bootstrapServers, TopicLayout layout, DeliverySettings settings) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir());
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
        properties.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) layout.replicationFactor());
        // an undecodable input record is logged and skipped rather than stopping every device of its task
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class);
        // pushes are latency-bound: send them at once instead of waiting to fill batches
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 1);
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        // MLS Welcomes and commits travel as single deliveries and pushes
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Topic.LARGE_MESSAGE_BYTES);
        properties.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                Topic.LARGE_MESSAGE_BYTES);
        properties.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                (int) settings.sessionTimeout().toMillis());
        if (!settings.instanceId().isEmpty()) {
            properties.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                    settings.instanceId());
        }
        return properties;
    }
}
