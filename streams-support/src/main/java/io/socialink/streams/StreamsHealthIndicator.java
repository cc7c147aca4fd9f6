package io.socialink.streams;

import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of an app's topology: UP while Kafka Streams is RUNNING, OUT_OF_SERVICE while it (re)balances or
 * restores state, DOWN once it stopped or failed; the state is the {@code state} detail.
 */
public class StreamsHealthIndicator implements HealthIndicator {

    private final Supplier<KafkaStreams.State> state;

    /** @param state the current Kafka Streams state, e.g. {@link ManagedStreams#state()} */
    public StreamsHealthIndicator(Supplier<KafkaStreams.State> state) {
        this.state = state;
    }

    @Override
    public Health health() {
        KafkaStreams.State current = state.get();
        Health.Builder builder =
                switch (current) {
                    case RUNNING -> Health.up();
                    case CREATED, REBALANCING -> Health.outOfService();
                    default -> Health.down();
                };
        return builder.withDetail("state", current.name()).build();
    }
}
