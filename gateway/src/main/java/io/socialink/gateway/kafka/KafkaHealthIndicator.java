package io.socialink.gateway.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Reports the push and reply consumers (group and call replies) (down when a thread stopped or has not polled for a while) and the
 * producer's failure count; producer failures alone do not make the node unhealthy, they are answered 503 per request.
 */
@Component("kafka")
public class KafkaHealthIndicator extends AbstractHealthIndicator {

    private static final Duration STALE_POLL = Duration.ofSeconds(30);

    private final PushConsumer pushConsumer;
    private final EventPublisher publisher;
    private final List<ReplyConsumer<?>> replyConsumers;

    public KafkaHealthIndicator(
            PushConsumer pushConsumer, EventPublisher publisher, List<ReplyConsumer<?>> replyConsumers) {
        this.pushConsumer = pushConsumer;
        this.publisher = publisher;
        this.replyConsumers = List.copyOf(replyConsumers);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Instant lastPoll = pushConsumer.lastPoll();
        Instant staleBefore = Instant.now().minus(STALE_POLL);
        boolean polling = pushConsumer.isRunning() && lastPoll.isAfter(staleBefore);
        for (ReplyConsumer<?> replies : replyConsumers) {
            polling &= replies.isRunning() && replies.lastPoll().isAfter(staleBefore);
        }
        (polling ? builder.up() : builder.down())
                .withDetail("pushPartition", pushConsumer.partition().toString())
                .withDetail("pushConsumerLastPoll", lastPoll.toString());
        for (ReplyConsumer<?> replies : replyConsumers) {
            // groupRepliesPartition, groupRepliesLastPoll, callRepliesPartition, ...
            builder.withDetail(
                            replies.kind() + "RepliesPartition",
                            replies.partition().toString())
                    .withDetail(
                            replies.kind() + "RepliesLastPoll",
                            replies.lastPoll().toString());
        }
        builder.withDetail("producerFailures", publisher.failures());
        if (publisher.lastFailure() != null) {
            builder.withDetail("producerLastFailure", publisher.lastFailure());
        }
    }
}
