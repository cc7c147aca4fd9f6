package io.socialink.groups.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.groups.metrics.GroupMetrics;
import io.socialink.groups.metrics.MicrometerGroupMetrics;
import io.socialink.groups.runtime.GroupFanoutStreams;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.streams.KafkaSettings;
import io.socialink.streams.StreamsSupportConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Wires the group topology's Kafka Streams instance and its metrics; the topic layout, the Kafka settings and the
 * health come from {@link StreamsSupportConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GroupSettings.class)
@Import(StreamsSupportConfiguration.class)
public class GroupFanoutConfiguration {

    @Bean
    GroupMetrics groupMetrics(MeterRegistry registry) {
        return new MicrometerGroupMetrics(registry);
    }

    @Bean
    GroupFanoutStreams groupFanoutStreams(
            KafkaSettings kafka,
            TopicLayout layout,
            GroupSettings settings,
            GroupMetrics metrics,
            MeterRegistry registry) {
        return new GroupFanoutStreams(kafka.bootstrapServers(), layout, settings, metrics, registry);
    }
}
