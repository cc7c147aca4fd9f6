package io.socialink.delivery.config;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.delivery.metrics.DeliveryMetrics;
import io.socialink.delivery.metrics.MicrometerDeliveryMetrics;
import io.socialink.delivery.runtime.DeliveryStreams;
import io.socialink.delivery.runtime.StreamsHealthIndicator;
import io.socialink.schemas.topics.TopicLayout;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the delivery topology's Kafka Streams instance, its health and its metrics. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({DeliverySettings.class, TopicsProperties.class, KafkaSettings.class})
public class DeliveryConfiguration {

    @Bean
    TopicLayout topicLayout(TopicsProperties topics) {
        return topics.toLayout();
    }

    @Bean
    DeliveryMetrics deliveryMetrics(MeterRegistry registry) {
        return new MicrometerDeliveryMetrics(registry);
    }

    @Bean
    DeliveryStreams deliveryStreams(KafkaSettings kafka, TopicLayout layout, DeliverySettings settings,
                                    DeliveryMetrics metrics, MeterRegistry registry) {
        DeliveryStreams streams = new DeliveryStreams(kafka.bootstrapServers(), layout, settings, metrics,
                registry);
        Gauge.builder(MicrometerDeliveryMetrics.QUEUE_ENTRIES, streams, DeliveryStreams::approximateQueuedEntries)
                .description("RocksDB's estimate of the queue entries held by this instance")
                .register(registry);
        return streams;
    }

    @Bean
    StreamsHealthIndicator streamsHealthIndicator(DeliveryStreams streams) {
        return new StreamsHealthIndicator(streams);
    }
}
