package io.socialink.groups.runtime;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of the group topology: UP while Kafka Streams is RUNNING, OUT_OF_SERVICE while it (re)balances or
 * restores state, DOWN once it stopped or failed.
 */
public class StreamsHealthIndicator implements HealthIndicator {

    private final GroupFanoutStreams streams;

    public StreamsHealthIndicator(GroupFanoutStreams streams) {
        this.streams = streams;
    }

    @Override
    public Health health() {
        KafkaStreams.State state = streams.state();
        Health.Builder builder = switch (state) {
            case RUNNING -> Health.up();
            case CREATED, REBALANCING -> Health.outOfService();
            default -> Health.down();
        };
        return builder.withDetail("state", state.name()).build();
    }
}
