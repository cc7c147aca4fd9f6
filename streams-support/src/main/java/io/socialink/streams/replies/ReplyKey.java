package io.socialink.streams.replies;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The key of a reply inside the topology: the requestId (the only part written to the replies topic) and the
 * partition of the gateway node waiting for it, which {@link ReplyPartitioner} needs and the reply does not carry.
 */
public record ReplyKey(String requestId, int replyPartition) {

    /** Writes the requestId only, as the gateway reads it. */
    public static final Serializer<ReplyKey> SERIALIZER =
            (topic, key) -> key == null ? null : key.requestId().getBytes(StandardCharsets.UTF_8);
}
