package io.socialink.analytics.config;

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
 * The analytics app's settings ({@code socialink.analytics.*}). A bare number means milliseconds for the commit
 * interval and seconds for the other durations.
 *
 * @param applicationId  Kafka Streams application id behind the topic prefix: the consumer group
 * @param stateDir       where the state stores live; losing it only costs a restore from the changelogs
 * @param streamThreads  Kafka Streams threads
 * @param commitInterval exactly-once commit interval: how soon a figure shows on the output topics
 * @param sessionTimeout how long a crashed instance keeps its partitions before another instance takes them over
 * @param instanceId     a stable id of this instance (static group membership); blank for dynamic membership
 * @param keep           how long the app remembers a message (counted once) and its copies' times for the receipt
 *                       latencies, and a minute's or a day's figures: a DELIVERED or READ later than this is not
 *                       measured; the stores grow with the messages of this period
 * @param standbyReplicas standby replicas of each stateful task on other instances (warm failover), 0..8
 */
@Validated
@ConfigurationProperties("socialink.analytics")
public record AnalyticsSettings(
        @DefaultValue("socialink-analytics") @NotBlank String applicationId,

        @NotBlank String stateDir,
        @DefaultValue("1") @Positive @Max(64) int streamThreads,

        @DefaultValue("1000ms") @DurationUnit(ChronoUnit.MILLIS)
        Duration commitInterval,

        @DefaultValue("10s") @DurationUnit(ChronoUnit.SECONDS)
        Duration sessionTimeout,

        @DefaultValue("") String instanceId,

        @DefaultValue("2d") @DurationUnit(ChronoUnit.SECONDS)
        Duration keep,

        @DefaultValue("0") @PositiveOrZero @Max(8) int standbyReplicas)
        implements StreamsSettings {

    public AnalyticsSettings {
        requirePositive("commit-interval", commitInterval);
        requirePositive("session-timeout", sessionTimeout);
        requirePositive("keep", keep);
        instanceId = instanceId == null ? "" : instanceId.trim();
    }

    /** The application id Kafka Streams runs with: the topic prefix, then {@link #applicationId}. */
    public String streamsApplicationId(String topicPrefix) {
        return StreamsSettings.prefixed(topicPrefix, applicationId);
    }

    private static void requirePositive(String name, Duration value) {
        StreamsSettings.requirePositive("socialink.analytics." + name, value);
    }
}
