package io.socialink.streams;

import io.socialink.schemas.topics.TopicLayout;
import io.socialink.streams.security.InternalSecurityConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The beans every Kafka Streams app has: {@link KafkaSettings}, the {@link TopicLayout} bound from
 * {@link TopicsProperties}, and the health indicator ({@code streams} in the health output) of the app's one
 * {@link ManagedStreams} bean, and the security of the internal port ({@link InternalSecurityConfiguration}). An app
 * imports it into its own configuration.
 */
@Configuration(proxyBeanMethods = false)
@Import(InternalSecurityConfiguration.class)
@EnableConfigurationProperties({TopicsProperties.class, KafkaSettings.class})
public class StreamsSupportConfiguration {

    @Bean
    TopicLayout topicLayout(TopicsProperties topics) {
        return topics.toLayout();
    }

    @Bean
    StreamsHealthIndicator streamsHealthIndicator(ManagedStreams streams) {
        return new StreamsHealthIndicator(streams::state);
    }
}
