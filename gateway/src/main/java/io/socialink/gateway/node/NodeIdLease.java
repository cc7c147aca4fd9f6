package io.socialink.gateway.node;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Optional;

/**
 * The Redis key that says which process holds a gateway node id: {@code socialink:gateway-nodes:<topic prefix><id>},
 * its value the holder, expiring {@link #TTL} after the holder's last renewal. A node id is a partition of
 * {@code gateway.push} and of the reply topics, so the ids go from 0 to the push partition count − 1.
 *
 * <p>Two processes on one id are slower, not wrong: both read that id's partitions and each writes only to its own
 * sockets and waits only for its own replies. The lease keeps that from happening in an autoscaled group: a node
 * started with {@code auto} takes the lowest id whose key is free, renews it while it runs and deletes it when it
 * stops; a node killed frees its id when the key expires. A node with a fixed id holds its key too, so {@code auto}
 * nodes started after it skip that id.
 */
public final class NodeIdLease {

    /** How long a node id stays taken after its holder's last renewal (a holder renews every third of it). */
    public static final Duration TTL = Duration.ofSeconds(15);

    static final String KEY_PREFIX = "socialink:gateway-nodes:";

    // renew only while the key is ours, or take it back while nobody else has taken it since it expired
    private static final String RENEW = """
            local holder = redis.call('GET', KEYS[1])
            if holder == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return 1
            elseif not holder then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
              return 1
            end
            return 0
            """;

    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    private final String topicPrefix;
    private final int nodeId;
    private final String holder;

    public NodeIdLease(String topicPrefix, int nodeId, String holder) {
        this.topicPrefix = topicPrefix;
        this.nodeId = nodeId;
        this.holder = holder;
    }

    /** The lowest free id below {@code nodeIds}, taken for {@code holder}; empty when every id is taken. */
    public static Optional<NodeIdLease> acquire(
            RedisCommands<String, String> redis, String topicPrefix, int nodeIds, String holder) {
        for (int id = 0; id < nodeIds; id++) {
            String taken =
                    redis.set(key(topicPrefix, id), holder, SetArgs.Builder.nx().px(TTL));
            if ("OK".equals(taken)) {
                return Optional.of(new NodeIdLease(topicPrefix, id, holder));
            }
        }
        return Optional.empty();
    }

    /** True while the id is this holder's (renewed now, or taken back after it expired and nobody took it). */
    public boolean renew(RedisCommands<String, String> redis) {
        Long renewed = redis.eval(RENEW, ScriptOutputType.INTEGER, new String[] {key()}, holder, ttlMillis());
        return renewed != null && renewed == 1L;
    }

    /** Takes the id whoever holds it: a node whose id is fixed by configuration. */
    public void claim(RedisCommands<String, String> redis) {
        redis.set(key(), holder, SetArgs.Builder.px(TTL));
    }

    /** Frees the id at once, if this holder still has it. */
    public void release(RedisCommands<String, String> redis) {
        redis.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {key()}, holder);
    }

    /** The process holding this lease's id now, if any. */
    public Optional<String> currentHolder(RedisCommands<String, String> redis) {
        return Optional.ofNullable(redis.get(key()));
    }

    public int nodeId() {
        return nodeId;
    }

    public String holder() {
        return holder;
    }

    private String key() {
        return key(topicPrefix, nodeId);
    }

    private static String key(String topicPrefix, int nodeId) {
        return KEY_PREFIX + topicPrefix + nodeId;
    }

    private static String ttlMillis() {
        return Long.toString(TTL.toMillis());
    }
}
