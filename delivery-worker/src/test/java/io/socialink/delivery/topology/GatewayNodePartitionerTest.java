package io.socialink.delivery.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.schemas.avro.Push;
import io.socialink.schemas.avro.PushKind;
import org.junit.jupiter.api.Test;

class GatewayNodePartitionerTest {

    private final GatewayNodePartitioner partitioner = new GatewayNodePartitioner();

    @Test
    void shouldSendAPushToThePartitionOfItsGatewayNode() {
        // given
        Push push = push(5);

        // when
        var partitions = partitioner.partitions("gateway.push", "bob.1", push, 8);

        // then
        assertThat(partitions).hasValueSatisfying(set -> assertThat(set).containsExactly(5));
    }

    @Test
    void shouldDropAPushForANodeBeyondThePartitions() {
        // given
        Push push = push(8);

        // when
        var partitions = partitioner.partitions("gateway.push", "bob.1", push, 8);

        // then
        assertThat(partitions).hasValueSatisfying(set -> assertThat(set).isEmpty());
    }

    private static Push push(int node) {
        return Push.newBuilder()
                .setConnectionId("c1")
                .setKind(PushKind.QUEUE_EMPTY)
                .setGatewayNode(node)
                .build();
    }
}
