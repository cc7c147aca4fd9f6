package io.socialink.gateway.calls;

import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.gateway.config.GatewayProperties;
import io.socialink.gateway.config.KafkaProperties;
import io.socialink.gateway.kafka.EventPublisher;
import io.socialink.gateway.kafka.ReplyConsumer;
import io.socialink.gateway.keys.DeviceDirectory;
import io.socialink.gateway.metrics.GatewayMetrics;
import io.socialink.gateway.ratelimit.RateLimitProperties;
import io.socialink.gateway.ratelimit.RateLimiter;
import io.socialink.schemas.avro.CallReply;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Calls in the gateway: request/reply with call-signaling (this node's {@code call.replies} partition), TURN
 * credentials, and the call history projection of {@code call.events} (off in the projection-rebuild command, like
 * the group projection).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CallProperties.class)
public class CallsConfig {

    @Bean
    public CallRequests callRequests(
            EventPublisher publisher, GatewayProperties gateway, CallProperties calls, GatewayMetrics metrics) {
        return new CallRequests(publisher, gateway.nodeId(), calls.replyTimeout(), metrics);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    public ReplyConsumer<CallReply> callReplyConsumer(
            KafkaProperties kafka, GatewayProperties gateway, TopicLayout layout, CallRequests requests) {
        return ReplyConsumer.create(
                kafka.bootstrapServers(),
                "gateway-" + gateway.nodeId() + "-call-replies",
                layout,
                Topics.CALL_REPLIES,
                "call",
                gateway.nodeId(),
                requests::complete);
    }

    @Bean
    public TurnCredentials turnCredentials(CallProperties calls) {
        return new TurnCredentials(calls.turn(), Clock.systemUTC());
    }

    @Bean
    public CallService callService(
            CallRequests requests,
            DeviceDirectory directory,
            RateLimiter rateLimiter,
            RateLimitProperties limits,
            CallHistoryRepository history,
            TurnCredentials turn,
            CallProperties calls) {
        return new CallService(requests, directory, rateLimiter, limits, history, turn, calls.ringTimeout());
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnExpression(
            "${socialink.gateway.calls.history-enabled:true} and !${socialink.projection.rebuild:false}")
    public CallHistoryConsumer callHistoryConsumer(
            KafkaProperties kafka,
            TopicLayout layout,
            GatewayProperties gateway,
            CallHistoryProjector projector,
            MeterRegistry registry) {
        return new CallHistoryConsumer(
                CallHistoryConsumer.consumer(
                        kafka.bootstrapServers(),
                        layout.prefix() + CallProperties.HISTORY_GROUP,
                        "gateway-" + gateway.nodeId() + "-calls"),
                layout.name(Topics.CALL_EVENTS),
                projector,
                registry);
    }
}
