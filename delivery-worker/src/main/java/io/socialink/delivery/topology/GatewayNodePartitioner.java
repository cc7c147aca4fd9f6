package io.socialink.delivery.topology;

import io.socialink.schemas.avro.Push;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each {@link Push} to the {@code gateway.push} partition numbered like the gateway node holding the
 * socket, which consumes only that partition. A push for a node beyond the partition count is dropped (the
 * processor refuses such routes, so only a topic shrunk under a running worker gets here); the entry stays
 * queued and drains again on the device's next connect.
 */
public final class GatewayNodePartitioner implements StreamPartitioner<String, Push> {

    private static final Logger log = LoggerFactory.getLogger(GatewayNodePartitioner.class);

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, Push push, int numPartitions) {
        int node = push.getGatewayNode();
        if (node < 0 || node >= numPartitions) {
            log.warn(
                    "dropping a push for {} to gateway node {}: {} has {} partitions", key, node, topic, numPartitions);
            return Optional.of(Set.of());
        }
        return Optional.of(Set.of(node));
    }
}
