package io.socialink.streams;

import io.socialink.schemas.topics.Batching;
import io.socialink.schemas.topics.Topic;
import io.socialink.schemas.topics.TopicLayout;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * The part of the Kafka Streams configuration the apps share. The processing guarantee and what goes with it
 * (acks, transaction timeouts) are each app's own: an app adds them to the properties returned here.
 */
public final class CommonStreamsConfig {

    private CommonStreamsConfig() {}

    /**
     * The shared properties: identity, cluster, state directory, threads, commit interval, the layout's
     * replication factor, membership, and the sizes that let the largest messages through.
     */
    public static Properties create(
            String applicationId, String bootstrapServers, TopicLayout layout, StreamsSettings settings) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir());
        properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
        properties.put(
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                settings.commitInterval().toMillis());
        properties.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) layout.replicationFactor());
        properties.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, settings.standbyReplicas());
        // an undecodable input record is logged and skipped rather than stopping every key of its task
        properties.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        // the output is latency-bound (pushes, replies the gateway waits for), yet a request per record cost more
        // than the records: batch as the whole pipeline does
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), Batching.LINGER_MS);
        // MLS commit bundles, Welcomes and commits travel as single records, in and out
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Topic.LARGE_MESSAGE_BYTES);
        properties.put(
                StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                Topic.LARGE_MESSAGE_BYTES);
        properties.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int)
                settings.sessionTimeout().toMillis());
        if (!settings.instanceId().isEmpty()) {
            properties.put(
                    StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), settings.instanceId());
        }
        return properties;
    }
}
