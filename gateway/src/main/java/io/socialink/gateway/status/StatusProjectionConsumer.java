package io.socialink.gateway.status;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.gateway.kafka.Periodic;
import io.socialink.gateway.kafka.PollLoop;
import io.socialink.schemas.avro.MessageMetadata;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import reactor.core.publisher.Mono;

/**
 * Consumes {@code metadata.messages} on a dedicated thread in the consumer group shared by all gateway nodes: the
 * events of each poll are applied to the projection in one transaction and, for DELIVERED and READ, fanned out as
 * receipts (one receipt event per sender device and poll, {@link ReceiptFanout}), then offsets are committed.
 * At least once: a crash re-applies events since the last commit, which the projection and the receipt event ids
 * make harmless. A failing batch (Postgres or Kafka down) is retried from the same offsets after a pause, never
 * skipped; only undecodable records are skipped.
 */
public class StatusProjectionConsumer extends PollLoop<String, MessageMetadata> {

    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(30);
    public static final String APPLIED = "socialink.projection.events.applied";

    private final StatusProjector projector;
    private final ReceiptFanout receipts;
    private final Periodic sweep;
    private final Counter applied;

    public StatusProjectionConsumer(
            Consumer<String, MessageMetadata> consumer,
            String topic,
            StatusProjector projector,
            ReceiptFanout receipts,
            Duration sweepInterval,
            MeterRegistry registry) {
        super(consumer, "status-projection", "status projection consumer", "metadata");
        this.projector = projector;
        this.receipts = receipts;
        this.sweep = new Periodic("sweeping expired status rows", sweepInterval, () -> projector
                .sweepExpired()
                .block(APPLY_TIMEOUT));
        this.applied = Counter.builder(APPLIED)
                .description("metadata events applied to the status projection")
                .register(registry);
        consumer.subscribe(List.of(topic));
    }

    @Override
    protected void handle(ConsumerRecords<String, MessageMetadata> records) {
        applyThenCommit(records, "status projection", events -> {
            // receipts only after the rows are committed, all of a poll's receipts in flight at once
            projector
                    .applyAll(events)
                    .then(Mono.defer(() -> receipts.fanOut(events)))
                    .block(APPLY_TIMEOUT);
            applied.increment(events.size());
        });
    }

    @Override
    protected void afterEachPoll() {
        sweep.runIfDue();
    }
}
