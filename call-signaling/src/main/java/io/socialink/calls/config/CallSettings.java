package io.socialink.calls.config;

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
 * call-signaling's settings ({@code socialink.calls.*}). A bare number means milliseconds for the commit interval
 * and seconds for the other durations.
 *
 * @param applicationId  Kafka Streams application id behind the topic prefix: consumer group, transactional id and
 *                       changelog topic prefix
 * @param stateDir       where the local state stores live; losing it only costs a restore from the changelogs
 * @param streamThreads  Kafka Streams threads
 * @param commitInterval how often the exactly-once transaction commits: a reply is visible to the gateway's
 *                       read_committed consumer only after it, so it bounds the added reply latency
 * @param ringTimeout    the longest a call rings before it ends as missed (the gateway asks for its own, and the
 *                       shorter one applies)
 * @param maxDuration    an accepted call nobody ended (both clients gone) ends by itself after this long
 * @param endedRetention how long an ended call's state (and its ICE candidates) stays, so late requests get 409
 *                       rather than 404
 * @param timeoutCheckInterval how often ring timeouts and the other deadlines are checked (wall-clock time)
 * @param maxCandidates  ICE candidates kept per call at most (413 too-many-candidates beyond)
 * @param sessionTimeout how long a crashed instance keeps its calls before another instance takes them over
 * @param instanceId     a stable id of this instance (static group membership); blank for dynamic membership
 * @param standbyReplicas standby replicas of each stateful task on other instances (warm failover), 0..8
 */
@Validated
@ConfigurationProperties("socialink.calls")
public record CallSettings(
        @DefaultValue("socialink-call-signaling") @NotBlank String applicationId,
        @NotBlank String stateDir,
        @DefaultValue("1") @Positive @Max(64) int streamThreads,

        @DefaultValue("25ms") @DurationUnit(ChronoUnit.MILLIS)
        Duration commitInterval,

        @DefaultValue("45s") @DurationUnit(ChronoUnit.SECONDS)
        Duration ringTimeout,

        @DefaultValue("12h") @DurationUnit(ChronoUnit.SECONDS)
        Duration maxDuration,

        @DefaultValue("10m") @DurationUnit(ChronoUnit.SECONDS)
        Duration endedRetention,

        @DefaultValue("1s") @DurationUnit(ChronoUnit.SECONDS)
        Duration timeoutCheckInterval,

        @DefaultValue("512") @Positive @Max(10_000) int maxCandidates,

        @DefaultValue("10s") @DurationUnit(ChronoUnit.SECONDS)
        Duration sessionTimeout,

        @DefaultValue("") String instanceId,
        @DefaultValue("0") @PositiveOrZero @Max(8) int standbyReplicas)
        implements StreamsSettings {

    public static final String DEFAULT_APPLICATION_ID = "socialink-call-signaling";

    public CallSettings {
        StreamsSettings.requirePositive("socialink.calls.commit-interval", commitInterval);
        StreamsSettings.requirePositive("socialink.calls.ring-timeout", ringTimeout);
        StreamsSettings.requirePositive("socialink.calls.max-duration", maxDuration);
        StreamsSettings.requirePositive("socialink.calls.ended-retention", endedRetention);
        StreamsSettings.requirePositive("socialink.calls.timeout-check-interval", timeoutCheckInterval);
        StreamsSettings.requirePositive("socialink.calls.session-timeout", sessionTimeout);
        instanceId = instanceId == null ? "" : instanceId.trim();
    }

    /** The defaults, with the state under {@code java.io.tmpdir}. */
    public static CallSettings defaults() {
        return new CallSettings(
                DEFAULT_APPLICATION_ID,
                Path.of(System.getProperty("java.io.tmpdir"), "socialink-call-signaling")
                        .toString(),
                1,
                Duration.ofMillis(25),
                Duration.ofSeconds(45),
                Duration.ofHours(12),
                Duration.ofMinutes(10),
                Duration.ofSeconds(1),
                512,
                Duration.ofSeconds(10),
                "",
                0);
    }

    /** The application id Kafka Streams runs with: the topic prefix, then {@link #applicationId}. */
    public String streamsApplicationId(String topicPrefix) {
        return StreamsSettings.prefixed(topicPrefix, applicationId);
    }
}
