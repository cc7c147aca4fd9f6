package io.socialink.groups.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GroupStateSerdeTest {

    private final GroupStateSerde serde = new GroupStateSerde();

    @Test
    void shouldReadBackEveryPartOfAState() {
        // given
        GroupState state = new GroupState(
                "g1",
                1,
                7,
                Instant.ofEpochMilli(1_893_456_000_123L),
                Arrays.asList(new Leaf("alice", 1), null, new Leaf("bob", 2), new Leaf("carol", 1)),
                Set.of("alice"),
                Set.of(3),
                new LastCommit(new byte[] {1, 2, 3}, new Leaf("alice", 1), Map.of("added", "bob.2")));

        // when
        GroupState read = serde.fromBytes(serde.toBytes(state));

        // then
        assertThat(read).isEqualTo(state);
        assertThat(read.leafOf(new Leaf("bob", 2))).isEqualTo(2);
        assertThat(read.activeDevices()).containsExactly(new Leaf("alice", 1), new Leaf("bob", 2));
        assertThat(read.lastCommit().isRetry(new byte[] {1, 2, 3}, new Leaf("alice", 1)))
                .isTrue();
    }
}
