package io.socialink.delivery.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeLivenessTest {

    @Test
    void shouldKeepTheLatestTimeAnIncarnationWasHeardOf() {
        // given
        NodeLiveness nodes = new NodeLiveness();

        // when: records of other partitions may come out of order
        nodes.heard("a", 2_000);
        nodes.heard("a", 1_000);

        // then
        assertThat(nodes.lastHeard("a", 9_000)).isEqualTo(2_000);
    }

    @Test
    void shouldGiveAnIncarnationNotHeardOfYetTheTimeItIsFirstAskedAbout() {
        // given a task that just started: routes restored, no NODE_ALIVE read yet
        NodeLiveness nodes = new NodeLiveness();

        // when
        long first = nodes.lastHeard("restored", 5_000);
        long later = nodes.lastHeard("restored", 60_000);

        // then its grace counts from the first question, not from each
        assertThat(first).isEqualTo(5_000);
        assertThat(later).isEqualTo(5_000);
    }

    @Test
    void shouldForgetOnlyIncarnationsSilentSinceTheGivenTime() {
        // given
        NodeLiveness nodes = new NodeLiveness();
        nodes.heard("dead", 1_000);
        nodes.heard("alive", 95_000);

        // when
        nodes.forgetSilentSince(10_000);

        // then the forgotten one counts as new again, the other keeps its time
        assertThat(nodes.lastHeard("dead", 100_000)).isEqualTo(100_000);
        assertThat(nodes.lastHeard("alive", 100_000)).isEqualTo(95_000);
    }
}
