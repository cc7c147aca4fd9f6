package io.socialink.groups.topology;

import io.socialink.schemas.avro.GroupReply;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each {@link GroupReply} to the {@code group.replies} partition the command named (its replyPartition, the
 * gateway node waiting for the verdict, which consumes only that partition). A reply for a partition beyond the
 * topic is dropped: no gateway node can be waiting for it, and the command's effects stand (the client re-reads
 * the group after its 503).
 */
public final class ReplyPartitioner implements StreamPartitioner<ReplyKey, GroupReply> {

    private static final Logger log = LoggerFactory.getLogger(ReplyPartitioner.class);

    @Override
    public Optional<Set<Integer>> partitions(String topic, ReplyKey key, GroupReply reply, int numPartitions) {
        int partition = key.replyPartition();
        if (partition < 0 || partition >= numPartitions) {
            log.warn(
                    "dropping the reply to {} for partition {}: {} has {} partitions",
                    key.requestId(),
                    partition,
                    topic,
                    numPartitions);
            return Optional.of(Set.of());
        }
        return Optional.of(Set.of(partition));
    }
}
