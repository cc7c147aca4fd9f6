package io.socialink.gateway.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.gateway.config.GatewayProperties;
import io.socialink.gateway.config.KafkaProperties;
import io.socialink.gateway.config.TopicsProperties;
import io.socialink.gateway.websocket.PushDispatcher;
import io.socialink.schemas.topics.TopicAdmin;
import io.socialink.schemas.topics.TopicLayout;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The gateway's Kafka clients. Startup fails fast when the node id has no push partition or the cluster's topics do
 * not match the configured layout (co-partitioning would silently break otherwise).
 */
@Configuration(proxyBeanMethods = false)
public class KafkaConfig {

    /** The topic layout, verified against the cluster. */
    @Bean
    public TopicLayout topicLayout(TopicsProperties topics, GatewayProperties gateway, KafkaProperties kafka) {
        TopicLayout layout = topics.layout();
        if (gateway.nodeId() >= layout.pushPartitions()) {
            throw new IllegalStateException("socialink.gateway.node-id " + gateway.nodeId()
                    + " has no partition: gateway.push has " + layout.pushPartitions() + " (node ids 0.."
                    + (layout.pushPartitions() - 1) + ")");
        }
        try (Admin admin = TopicAdmin.connect(kafka.bootstrapServers())) {
            TopicAdmin.verify(admin, layout);
        }
        return layout;
    }

    @Bean(destroyMethod = "close")
    public EventPublisher eventPublisher(
            KafkaProperties kafka, GatewayProperties gateway, TopicLayout layout, MeterRegistry registry) {
        EventPublisher publisher =
                EventPublisher.create(kafka.bootstrapServers(), "gateway-" + gateway.nodeId(), layout);
        publisher.bindMetrics(registry);
        return publisher;
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    public PushConsumer pushConsumer(
            KafkaProperties kafka, GatewayProperties gateway, TopicLayout layout, PushDispatcher dispatcher) {
        return PushConsumer.create(
                kafka.bootstrapServers(),
                "gateway-" + gateway.nodeId() + "-push",
                layout,
                gateway.nodeId(),
                dispatcher::dispatch);
    }
}
