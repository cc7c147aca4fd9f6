package io.socialink.streams;

import java.time.Duration;

/**
 * The settings every Kafka Streams app has, whatever its own prefix ({@code socialink.delivery.*},
 * {@code socialink.groups.*}); an app's settings record implements it with components of these names.
 */
public interface StreamsSettings {

    /** Where the local state stores live; losing it only costs a restore from the changelogs. */
    String stateDir();

    /** Kafka Streams threads. */
    int streamThreads();

    /** Kafka Streams commit interval. */
    Duration commitInterval();

    /** How long a crashed instance keeps its tasks before another instance takes them over. */
    Duration sessionTimeout();

    /** A stable id of this instance (static group membership); empty for dynamic membership. */
    String instanceId();

    /**
     * Standby replicas of each stateful task on other instances ({@code num.standby.replicas}): a failover then
     * resumes from a warm copy of the stores instead of restoring them from the changelogs. 0 with one instance.
     */
    int standbyReplicas();

    /**
     * Throws unless {@code value} is a positive duration; {@code property} names it in the message
     * ({@code socialink.presence.device-ttl}).
     */
    static void requirePositive(String property, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + " must be a positive duration");
        }
    }

    /** The application id an app runs Kafka Streams with: the topic prefix, then the app's own id. */
    static String prefixed(String topicPrefix, String applicationId) {
        return (topicPrefix == null ? "" : topicPrefix) + applicationId;
    }
}
