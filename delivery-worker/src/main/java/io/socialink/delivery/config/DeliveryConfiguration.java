package io.socialink.delivery.config;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.delivery.metrics.DeliveryMetrics;
import io.socialink.delivery.metrics.MicrometerDeliveryMetrics;
import io.socialink.delivery.runtime.DeliveryStreams;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.streams.KafkaSettings;
import io.socialink.streams.StreamsSupportConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Wires the delivery topology's Kafka Streams instance and its metrics; the topic layout, the Kafka settings and
 * the health come from {@link StreamsSupportConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DeliverySettings.class)
@Import(StreamsSupportConfiguration.class)
public class DeliveryConfiguration {

    @Bean
    DeliveryMetrics deliveryMetrics(MeterRegistry registry) {
        return new MicrometerDeliveryMetrics(registry);
    }

    @Bean
    DeliveryStreams deliveryStreams(
            KafkaSettings kafka,
            TopicLayout layout,
            DeliverySettings settings,
            DeliveryMetrics metrics,
            MeterRegistry registry) {
        DeliveryStreams streams = new DeliveryStreams(kafka.bootstrapServers(), layout, settings, metrics, registry);
        Gauge.builder(MicrometerDeliveryMetrics.QUEUE_ENTRIES, streams, DeliveryStreams::approximateQueuedEntries)
                .description("RocksDB's estimate of the queue entries held by this instance")
                .register(registry);
        return streams;
    }
}
