package io.socialink.calls.runtime;

import io.socialink.calls.config.CallSettings;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.streams.CommonStreamsConfig;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams configuration of call-signaling: the common configuration, exactly-once (a 2xx reply is visible
 * only together with the command's events, copies and state change) with a short commit interval, since the gateway
 * waits for every reply.
 */
public final class StreamsConfigFactory {

    private StreamsConfigFactory() {}

    public static Properties create(String bootstrapServers, TopicLayout layout, CallSettings settings) {
        Properties properties = CommonStreamsConfig.create(
                settings.streamsApplicationId(layout.prefix()), bootstrapServers, layout, settings);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return properties;
    }
}
