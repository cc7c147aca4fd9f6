package io.socialink.groups.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.groups.metrics.GroupMetrics;
import io.socialink.groups.metrics.MicrometerGroupMetrics;
import io.socialink.groups.runtime.GroupFanoutStreams;
import io.socialink.groups.runtime.StreamsHealthIndicator;
import io.socialink.schemas.topics.TopicLayout;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the group topology's Kafka Streams instance, its health and its metrics. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({GroupSettings.class, TopicsProperties.class, KafkaSettings.class})
public class GroupFanoutConfiguration {

    @Bean
    TopicLayout topicLayout(TopicsProperties topics) {
        return topics.toLayout();
    }

    @Bean
    GroupMetrics groupMetrics(MeterRegistry registry) {
        return new MicrometerGroupMetrics(registry);
    }

    @Bean
    GroupFanoutStreams groupFanoutStreams(KafkaSettings kafka, TopicLayout layout, GroupSettings settings,
                                          GroupMetrics metrics, MeterRegistry registry) {
        return new GroupFanoutStreams(kafka.bootstrapServers(), layout, settings, metrics, registry);
    }

    @Bean
    StreamsHealthIndicator streamsHealthIndicator(GroupFanoutStreams streams) {
        return new StreamsHealthIndicator(streams);
    }
}
