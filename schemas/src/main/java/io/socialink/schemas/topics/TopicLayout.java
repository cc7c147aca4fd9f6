package io.socialink.schemas.topics;

import java.util.Map;

/**
 * How the catalog is laid out in one Kafka cluster: the name prefix (so several deployments, or test runs,
 * share a cluster) and the partition count of each partition group. Configuration, not code: read from
 * {@code SOCIALINK_TOPICS_*} environment variables (Spring apps bind the same names as
 * {@code socialink.topics.*}).
 */
public record TopicLayout(
        String prefix,
        int devicePartitions,
        int pushPartitions,
        int metadataPartitions,
        int groupPartitions,
        short replicationFactor) {

    public static final int DEFAULT_DEVICE_PARTITIONS = 12;
    public static final int DEFAULT_PUSH_PARTITIONS = 8;
    public static final int DEFAULT_METADATA_PARTITIONS = 6;
    public static final int DEFAULT_GROUP_PARTITIONS = 6;

    public TopicLayout {
        prefix = prefix == null ? "" : prefix;
        if (!prefix.matches("[A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("topic prefix may use only [A-Za-z0-9._-]: " + prefix);
        }
        if (devicePartitions < 1
                || pushPartitions < 1
                || metadataPartitions < 1
                || groupPartitions < 1
                || replicationFactor < 1) {
            throw new IllegalArgumentException("partition counts and replication factor must be positive");
        }
    }

    public static TopicLayout defaults() {
        return new TopicLayout(
                "",
                DEFAULT_DEVICE_PARTITIONS,
                DEFAULT_PUSH_PARTITIONS,
                DEFAULT_METADATA_PARTITIONS,
                DEFAULT_GROUP_PARTITIONS,
                (short) 1);
    }

    public static TopicLayout fromEnv(Map<String, String> env) {
        return new TopicLayout(
                env.getOrDefault("SOCIALINK_TOPICS_PREFIX", ""),
                intOf(env, "SOCIALINK_TOPICS_DEVICE_PARTITIONS", DEFAULT_DEVICE_PARTITIONS),
                intOf(env, "SOCIALINK_TOPICS_PUSH_PARTITIONS", DEFAULT_PUSH_PARTITIONS),
                intOf(env, "SOCIALINK_TOPICS_METADATA_PARTITIONS", DEFAULT_METADATA_PARTITIONS),
                intOf(env, "SOCIALINK_TOPICS_GROUP_PARTITIONS", DEFAULT_GROUP_PARTITIONS),
                (short) intOf(env, "SOCIALINK_TOPICS_REPLICATION_FACTOR", 1));
    }

    private static int intOf(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }

    public String name(Topic<?, ?> topic) {
        return prefix + topic.baseName();
    }

    public int partitions(Topic<?, ?> topic) {
        return switch (topic.partitionGroup()) {
            case DEVICE -> devicePartitions;
            case GATEWAY_PUSH -> pushPartitions;
            case METADATA -> metadataPartitions;
            case GROUP -> groupPartitions;
        };
    }
}
