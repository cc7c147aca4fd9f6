package io.socialink.presence.config;

import io.socialink.streams.StreamsSettings;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.validation.annotation.Validated;

/**
 * presence-service's settings ({@code socialink.presence.*}). A bare number means milliseconds for the commit
 * interval and seconds for the other durations.
 *
 * @param applicationId  Kafka Streams application id behind the topic prefix: the consumer group
 * @param stateDir       Kafka Streams' state directory (the app keeps no state stores; Streams needs one)
 * @param streamThreads  Kafka Streams threads
 * @param commitInterval how often consumed offsets are committed; a crash re-applies at most this much, which the
 *                       Redis updates allow (they set state, they do not count)
 * @param sessionTimeout how long a crashed instance keeps its partitions before another instance takes them over
 * @param instanceId     a stable id of this instance (static group membership); blank for dynamic membership
 * @param deviceTtl      how long a device counts as connected after its connect and its gateway incarnation's
 *                       last NODE_ALIVE, whichever came later: three of the gateway's 30 s intervals, so a gateway
 *                       that dies takes its devices offline within this (and the next sweep)
 * @param sweepInterval  how often the users of gateway incarnations silent for the TTL, and users whose finite
 *                       score passed, are taken out of the online set and given their last seen; the change is
 *                       published to the sockets that follow the user then
 * @param sweepBatch     stale users handled per sweep at most
 * @param standbyReplicas standby replicas of each stateful task on other instances (warm failover), 0..8
 */
@Validated
@ConfigurationProperties("socialink.presence")
public record PresenceSettings(
        @DefaultValue("socialink-presence-service") @NotBlank
        String applicationId,

        @NotBlank String stateDir,
        @DefaultValue("1") @Positive @Max(64) int streamThreads,

        @DefaultValue("1000ms") @DurationUnit(ChronoUnit.MILLIS)
        Duration commitInterval,

        @DefaultValue("10s") @DurationUnit(ChronoUnit.SECONDS)
        Duration sessionTimeout,

        @DefaultValue("") String instanceId,

        @DefaultValue("90s") @DurationUnit(ChronoUnit.SECONDS)
        Duration deviceTtl,

        @DefaultValue("1s") @DurationUnit(ChronoUnit.SECONDS)
        Duration sweepInterval,

        @DefaultValue("1000") @Positive int sweepBatch,
        @DefaultValue("0") @PositiveOrZero @Max(8) int standbyReplicas)
        implements StreamsSettings {

    public PresenceSettings {
        requirePositive("commit-interval", commitInterval);
        requirePositive("session-timeout", sessionTimeout);
        requirePositive("device-ttl", deviceTtl);
        requirePositive("sweep-interval", sweepInterval);
        instanceId = instanceId == null ? "" : instanceId.trim();
    }

    /** The application id Kafka Streams runs with: the topic prefix, then {@link #applicationId}. */
    public String streamsApplicationId(String topicPrefix) {
        return StreamsSettings.prefixed(topicPrefix, applicationId);
    }

    private static void requirePositive(String name, Duration value) {
        StreamsSettings.requirePositive("socialink.presence." + name, value);
    }
}
