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
}
