package io.socialink.groups.config;

import io.socialink.streams.StreamsSettings;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.validation.annotation.Validated;

/**
 * group-fanout's settings ({@code socialink.groups.*}). A bare number means milliseconds for the commit interval
 * and seconds for the session timeout.
 *
 * @param applicationId  Kafka Streams application id behind the topic prefix (see {@link #streamsApplicationId}):
 *                       consumer group, transactional id and changelog topic prefix
 * @param stateDir       where the local state store lives; losing it only costs a restore from the changelog
 * @param streamThreads  Kafka Streams threads (at most one task per group.commands partition does work)
 * @param commitInterval how often the exactly-once transaction commits: a reply is visible to the gateway's
 *                       read_committed consumer only after it, so it bounds the added reply latency
 * @param maxMembers     member users per group at most (422 group-full past it)
 * @param stateCacheLeaves leaves of decoded group states kept per task (LRU), so messages to a group do not
 *                       decode its roster each time (about 0.5 ms for 3,000 leaves, a quarter of the CPU time of
 *                       fanning a message out to them); roughly 200 bytes of heap per leaf; 0 disables the cache
 * @param sessionTimeout how long a crashed instance keeps its groups before another instance takes them over
 * @param instanceId     a stable id of this instance (static group membership); blank for dynamic membership
 * @param standbyReplicas standby replicas of each stateful task on other instances (warm failover), 0..8
 */
@Validated
@ConfigurationProperties("socialink.groups")
public record GroupSettings(
        @DefaultValue("socialink-group-fanout") @NotBlank String applicationId,
        @NotBlank String stateDir,
        @DefaultValue("1") @Positive @Max(64) int streamThreads,

        @DefaultValue("25ms") @DurationUnit(ChronoUnit.MILLIS)
        Duration commitInterval,

        @DefaultValue("1500") @Positive int maxMembers,
        @DefaultValue("200000") @PositiveOrZero int stateCacheLeaves,

        @DefaultValue("10s") @DurationUnit(ChronoUnit.SECONDS)
        Duration sessionTimeout,

        @DefaultValue("") String instanceId,
        @DefaultValue("0") @PositiveOrZero @Max(8) int standbyReplicas)
        implements StreamsSettings {

    public static final String DEFAULT_APPLICATION_ID = "socialink-group-fanout";

    public GroupSettings {
        requirePositive("commit-interval", commitInterval);
        requirePositive("session-timeout", sessionTimeout);
        instanceId = instanceId == null ? "" : instanceId.trim();
    }

    /** The defaults, with the state under {@code java.io.tmpdir}. */
    public static GroupSettings defaults() {
        return new GroupSettings(
                DEFAULT_APPLICATION_ID,
                Path.of(System.getProperty("java.io.tmpdir"), "socialink-group-fanout")
                        .toString(),
                1,
                Duration.ofMillis(25),
                1500,
                200_000,
                Duration.ofSeconds(10),
                "",
                0);
    }

    /**
     * The application id Kafka Streams runs with: the topic prefix, then {@link #applicationId}, so deployments
     * (or test runs) sharing a cluster under different prefixes never share a consumer group or changelogs.
     */
    public String streamsApplicationId(String topicPrefix) {
        return (topicPrefix == null ? "" : topicPrefix) + applicationId;
    }

    public GroupSettings withMaxMembers(int value) {
        return new GroupSettings(
                applicationId,
                stateDir,
                streamThreads,
                commitInterval,
                value,
                stateCacheLeaves,
                sessionTimeout,
                instanceId,
                standbyReplicas);
    }

    public GroupSettings withStateCacheLeaves(int value) {
        return new GroupSettings(
                applicationId,
                stateDir,
                streamThreads,
                commitInterval,
                maxMembers,
                value,
                sessionTimeout,
                instanceId,
                standbyReplicas);
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("socialink.groups." + name + " must be a positive duration");
        }
    }
}
