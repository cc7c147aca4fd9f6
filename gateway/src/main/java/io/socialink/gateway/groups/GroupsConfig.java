package io.socialink.gateway.groups;

import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.gateway.config.GatewayProperties;
import io.socialink.gateway.config.KafkaProperties;
import io.socialink.gateway.kafka.EventPublisher;
import io.socialink.gateway.kafka.ReplyConsumer;
import io.socialink.gateway.keypackages.KeyPackageRepository;
import io.socialink.gateway.keys.DeviceDirectory;
import io.socialink.gateway.messages.IdempotencyStore;
import io.socialink.gateway.metrics.GatewayMetrics;
import io.socialink.schemas.avro.GroupReply;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * MLS groups in the gateway: request/reply with group-fanout (this node's {@code group.replies} partition) and the
 * group projection of {@code group.events} (off in the projection-rebuild command).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GroupProperties.class)
public class GroupsConfig {

    @Bean
    public GroupRequests groupRequests(
            EventPublisher publisher, GatewayProperties gateway, GroupProperties groups, GatewayMetrics metrics) {
        return new GroupRequests(publisher, gateway.nodeId(), groups.replyTimeout(), metrics);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    public ReplyConsumer<GroupReply> groupReplyConsumer(
            KafkaProperties kafka, GatewayProperties gateway, TopicLayout layout, GroupRequests requests) {
        return ReplyConsumer.create(
                kafka.bootstrapServers(),
                "gateway-" + gateway.nodeId() + "-group-replies",
                layout,
                Topics.GROUP_REPLIES,
                "group",
                gateway.nodeId(),
                requests::complete);
    }

    @Bean
    public GroupService groupService(
            GroupRequests requests,
            KeyPackageRepository keyPackages,
            DeviceDirectory directory,
            GroupRepository groups,
            IdempotencyStore idempotency,
            GroupPayloads payloads) {
        return new GroupService(requests, keyPackages, directory, groups, idempotency, payloads);
    }

    @Bean
    public GroupPayloads groupPayloads(DatabaseClient db, GroupProperties groups) {
        return new GroupPayloads(db, groups.payloadRetention());
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnExpression(
            "${socialink.gateway.groups.projection-enabled:true}" + " and !${socialink.projection.rebuild:false}")
    public GroupProjectionConsumer groupProjectionConsumer(
            KafkaProperties kafka,
            TopicLayout layout,
            GatewayProperties gateway,
            GroupProjector projector,
            GroupPayloads payloads,
            GroupProperties groups,
            MeterRegistry registry) {
        return new GroupProjectionConsumer(
                GroupProjectionConsumer.consumer(
                        kafka.bootstrapServers(),
                        layout.prefix() + GroupProperties.PROJECTION_GROUP,
                        "gateway-" + gateway.nodeId() + "-groups"),
                layout.name(Topics.GROUP_EVENTS),
                projector,
                payloads,
                groups.payloadSweepInterval(),
                registry);
    }
}
