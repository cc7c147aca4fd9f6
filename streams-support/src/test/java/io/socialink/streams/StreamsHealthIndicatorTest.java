package io.socialink.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class StreamsHealthIndicatorTest {

    @Test
    void shouldBeUpOnlyWhileRunning() {
        assertThat(health(State.RUNNING).getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void shouldBeOutOfServiceWhileStartingOrRebalancing() {
        assertThat(health(State.CREATED).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(health(State.REBALANCING).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
    }

    @Test
    void shouldBeDownOnceStoppedOrFailed() {
        for (State state : new State[] {State.PENDING_SHUTDOWN, State.NOT_RUNNING, State.PENDING_ERROR, State.ERROR}) {
            assertThat(health(state).getStatus()).as(state.name()).isEqualTo(Status.DOWN);
        }
    }

    @Test
    void shouldShowTheState() {
        assertThat(health(State.REBALANCING).getDetails()).containsExactlyEntriesOf(Map.of("state", "REBALANCING"));
    }

    private static Health health(State state) {
        return new StreamsHealthIndicator(() -> state).health();
    }
}
