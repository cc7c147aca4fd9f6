package io.socialink.calls.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.calls.metrics.CallMetrics;
import io.socialink.calls.metrics.MicrometerCallMetrics;
import io.socialink.calls.runtime.CallSignalingStreams;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.streams.KafkaSettings;
import io.socialink.streams.StreamsSupportConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Wires the call topology's Kafka Streams instance and its metrics; the topic layout, the Kafka settings and the
 * health come from {@link StreamsSupportConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CallSettings.class)
@Import(StreamsSupportConfiguration.class)
public class CallSignalingConfiguration {

    @Bean
    CallMetrics callMetrics(MeterRegistry registry) {
        return new MicrometerCallMetrics(registry);
    }

    @Bean
    CallSignalingStreams callSignalingStreams(
            KafkaSettings kafka,
            TopicLayout layout,
            CallSettings settings,
            CallMetrics metrics,
            MeterRegistry registry) {
        return new CallSignalingStreams(kafka.bootstrapServers(), layout, settings, metrics, registry);
    }
}
