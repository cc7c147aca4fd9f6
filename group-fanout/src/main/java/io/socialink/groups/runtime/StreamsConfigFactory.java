package io.socialink.groups.runtime;

import io.socialink.groups.config.GroupSettings;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.streams.CommonStreamsConfig;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams configuration of group-fanout: the common configuration, exactly-once (a 2xx reply is visible
 * only once the command's events and copies are committed with it) with a short commit interval, since the gateway
 * waits for every reply.
 */
public final class StreamsConfigFactory {

    private StreamsConfigFactory() {}

    public static Properties create(String bootstrapServers, TopicLayout layout, GroupSettings settings) {
        // the commit interval is the reply's added latency: it becomes visible to the gateway's read_committed
        // consumer at the commit. An undecodable command is skipped (common configuration): its gateway request
        // times out (503) and the client re-reads the group.
        Properties properties = CommonStreamsConfig.create(
                settings.streamsApplicationId(layout.prefix()), bootstrapServers, layout, settings);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // One command's copies share one transaction; an instance killed with one open holds the partitions of
        // device.deliveries it wrote to (every worker reads them committed) until the broker aborts it after this
        // timeout. Welcomes and Commits travel by reference, so even a Welcome to 1,499 devices is ~1.5 MB of
        // copies: 10 s (Streams' own default) is ample and bounds how long a group-fanout crash holds up other senders'
        // messages.
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 10_000);
        // and the producer may block that long for buffer space while the batch drains
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_BLOCK_MS_CONFIG), 120_000);
        return properties;
    }
}
