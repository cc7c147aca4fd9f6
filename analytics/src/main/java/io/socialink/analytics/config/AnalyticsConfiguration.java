package io.socialink.analytics.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.analytics.metrics.AnalyticsMetrics;
import io.socialink.analytics.runtime.AnalyticsStreams;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.streams.KafkaSettings;
import io.socialink.streams.StreamsSupportConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Wires the analytics topology's Kafka Streams instance and its metrics; the topic layout, the Kafka settings and
 * the health come from {@link StreamsSupportConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AnalyticsSettings.class)
@Import(StreamsSupportConfiguration.class)
public class AnalyticsConfiguration {

    @Bean
    AnalyticsMetrics analyticsMetrics(MeterRegistry registry) {
        return new AnalyticsMetrics(registry);
    }

    @Bean
    AnalyticsStreams analyticsStreams(
            KafkaSettings kafka,
            TopicLayout layout,
            AnalyticsSettings settings,
            AnalyticsMetrics metrics,
            MeterRegistry registry) {
        return new AnalyticsStreams(kafka.bootstrapServers(), layout, settings, metrics, registry);
    }
}
