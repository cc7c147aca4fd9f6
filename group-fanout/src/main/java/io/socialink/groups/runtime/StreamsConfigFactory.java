package io.socialink.groups.runtime;

import java.util.Properties;

import io.socialink.groups.config.GroupSettings;
import io.socialink.schemas.topics.Topic;
import io.socialink.schemas.topics.TopicLayout;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * The Kafka Streams configuration of group-fanout: exactly-once (a 2xx reply is visible only once the command's
 * events and copies are committed with it) with a short commit interval, since the gateway waits for every reply.
 */
public final class StreamsConfigFactory {

    private StreamsConfigFactory() {
    }

    public static Properties create(String bootstrapServers, TopicLayout layout, GroupSettings settings) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.streamsApplicationId(layout.prefix()));
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir());
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
        // the reply becomes visible to the gateway's read_committed consumer at the commit: this is its latency
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
        properties.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) layout.replicationFactor());
        // an undecodable command is logged and skipped rather than stopping every group of its partition; its
        // gateway request times out (503) and the client re-reads the group
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class);
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 1);
        // commit bundles (up to 2 MiB) arrive as single commands and leave as single Commit and Welcome copies
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Topic.LARGE_MESSAGE_BYTES);
        // One command's copies share one transaction: a Welcome to 1,500 new devices is ~0.4 GB of deliveries,
        // more than Streams' 10 s default transaction timeout may allow on a small machine.
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 120_000);
        // and the producer may block that long for buffer space while the batch drains
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_BLOCK_MS_CONFIG), 120_000);
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
