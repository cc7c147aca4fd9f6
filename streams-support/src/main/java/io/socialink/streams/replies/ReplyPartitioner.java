package io.socialink.streams.replies;

import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each reply ({@code group.replies}, {@code call.replies}) to the partition the command named (its
 * replyPartition, the gateway node waiting for the verdict, which consumes only that partition). A reply for a
 * partition beyond the topic is dropped: no gateway node can be waiting for it, and the command's effects stand (the
 * client reads the group or call again after its 503).
 *
 * @param <V> the reply record
 */
public final class ReplyPartitioner<V> implements StreamPartitioner<ReplyKey, V> {

    private static final Logger log = LoggerFactory.getLogger(ReplyPartitioner.class);

    @Override
    public Optional<Set<Integer>> partitions(String topic, ReplyKey key, V reply, int numPartitions) {
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
