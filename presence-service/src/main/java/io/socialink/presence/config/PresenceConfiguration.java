package io.socialink.presence.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.presence.metrics.PresenceMetrics;
import io.socialink.presence.runtime.PresenceStreams;
import io.socialink.presence.store.PresenceStore;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.streams.KafkaSettings;
import io.socialink.streams.StreamsSupportConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Wires the presence topology's Kafka Streams instance, its Redis store and its metrics; the topic layout, the
 * Kafka settings and the health come from {@link StreamsSupportConfiguration}, Redis from Spring Boot
 * ({@code spring.data.redis.url}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PresenceSettings.class)
@Import(StreamsSupportConfiguration.class)
public class PresenceConfiguration {

    @Bean
    PresenceMetrics presenceMetrics(MeterRegistry registry) {
        return new PresenceMetrics(registry);
    }

    @Bean
    PresenceStore presenceStore(StringRedisTemplate redis, PresenceSettings settings) {
        return new PresenceStore(redis, settings.deviceTtl());
    }

    @Bean
    PresenceStreams presenceStreams(
            KafkaSettings kafka,
            TopicLayout layout,
            PresenceSettings settings,
            PresenceStore store,
            PresenceMetrics metrics,
            MeterRegistry registry) {
        return new PresenceStreams(kafka.bootstrapServers(), layout, settings, store, metrics, registry);
    }
}
