package io.socialink.gateway.kafka;

import io.socialink.gateway.groups.GroupReplyConsumer;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Reports the push and group reply consumers (down when a thread stopped or has not polled for a while) and the
 * producer's failure count; producer failures alone do not make the node unhealthy, they are answered 503 per request.
 */
@Component("kafka")
public class KafkaHealthIndicator extends AbstractHealthIndicator {

    private static final Duration STALE_POLL = Duration.ofSeconds(30);

    private final PushConsumer pushConsumer;
    private final EventPublisher publisher;
    private final GroupReplyConsumer groupReplies;

    public KafkaHealthIndicator(PushConsumer pushConsumer, EventPublisher publisher, GroupReplyConsumer groupReplies) {
        this.pushConsumer = pushConsumer;
        this.publisher = publisher;
        this.groupReplies = groupReplies;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Instant lastPoll = pushConsumer.lastPoll();
        Instant staleBefore = Instant.now().minus(STALE_POLL);
        boolean polling = pushConsumer.isRunning()
                && lastPoll.isAfter(staleBefore)
                && groupReplies.isRunning()
                && groupReplies.lastPoll().isAfter(staleBefore);
        (polling ? builder.up() : builder.down())
                .withDetail("pushPartition", pushConsumer.partition().toString())
                .withDetail("pushConsumerLastPoll", lastPoll.toString())
                .withDetail("groupRepliesPartition", groupReplies.partition().toString())
                .withDetail("groupRepliesLastPoll", groupReplies.lastPoll().toString())
                .withDetail("producerFailures", publisher.failures());
        if (publisher.lastFailure() != null) {
            builder.withDetail("producerLastFailure", publisher.lastFailure());
        }
    }
}
