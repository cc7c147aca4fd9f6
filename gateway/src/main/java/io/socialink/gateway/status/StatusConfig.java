package io.socialink.gateway.status;

import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.gateway.config.KafkaProperties;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The message status projection, which runs in the gateway (it owns Postgres and serves the conversation endpoint):
 * the live consumer of {@code metadata.messages}, and the rebuild command ({@code --socialink.projection.rebuild=true}
 * runs the rebuild instead of the live consumer and exits with 0 when done).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProjectionProperties.class)
public class StatusConfig {

    private static final Logger log = LoggerFactory.getLogger(StatusConfig.class);

    @Bean
    public ProjectionRebuild projectionRebuild(KafkaProperties kafka, TopicLayout layout, StatusProjector projector) {
        return new ProjectionRebuild(kafka.bootstrapServers(), layout.name(Topics.METADATA_MESSAGES), projector);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnExpression("${socialink.projection.enabled:true} and !${socialink.projection.rebuild:false}")
    public StatusProjectionConsumer statusProjectionConsumer(
            KafkaProperties kafka,
            TopicLayout layout,
            ProjectionProperties properties,
            StatusProjector projector,
            ReceiptFanout receipts,
            MeterRegistry registry) {
        return new StatusProjectionConsumer(
                MetadataReader.consumer(
                        kafka.bootstrapServers(),
                        layout.prefix() + ProjectionProperties.GROUP,
                        "gateway-status-projection"),
                layout.name(Topics.METADATA_MESSAGES),
                projector,
                receipts,
                properties.sweepInterval(),
                registry);
    }

    @Bean
    @ConditionalOnProperty(name = "socialink.projection.rebuild", havingValue = "true")
    public ApplicationRunner projectionRebuildCommand(
            ProjectionRebuild rebuild, ConfigurableApplicationContext context) {
        return args -> {
            long events = rebuild.rebuild();
            log.info("projection rebuild done: {} events replayed", events);
            System.exit(SpringApplication.exit(context, () -> 0));
        };
    }
}
