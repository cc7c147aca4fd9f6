package io.socialink.delivery.config;

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
 * The delivery-worker's settings ({@code socialink.delivery.*}). Durations take a unit ({@code 30d}, {@code 12h},
 * {@code 500ms}); a bare number means days for the TTL and the acked retention, seconds for the intervals and
 * milliseconds for the commit interval.
 *
 * @param applicationId     Kafka Streams application id: consumer group and changelog topic prefix
 * @param stateDir          where the local state stores live; losing it only costs a restore from the changelogs
 * @param inFlight          pushed but unacknowledged entries per device at most
 * @param queueTtl          an undelivered entry expires this long after its {@code sentAt}
 * @param maxQueueLength    entries per device at most; the oldest is dropped on overflow
 * @param ackedRetention    how long an acknowledged messageId is remembered, so a late duplicate is not queued
 * @param heartbeatInterval the gateway's NODE_ALIVE interval; a route expires when the gateway incarnation holding
 *                          its socket was silent for three (stream time)
 * @param expiryInterval    how often due entries, tombstones and routes are looked for
 * @param streamThreads     Kafka Streams threads
 * @param commitInterval    Kafka Streams (exactly-once) commit interval; bounds the work a crash redoes
 * @param sessionTimeout    how long a crashed instance keeps its queues before another instance takes them over
 * @param maxPushes         pushes of one entry without an ack at most; past it the entry is dropped as undeliverable
 *                          (DROPPED, reason redelivery-limit) instead of being pushed forever
 * @param instanceId        a stable id of this instance (static group membership): a restarted instance gets
 *                          its queues back without waiting for the session timeout; blank for dynamic membership
 * @param standbyReplicas standby replicas of each stateful task on other instances (warm failover), 0..8
 * @param advertisedAddress {@code host:port} at which the other instances reach this instance's internal port
 *                          (Kafka Streams' {@code application.server}): a queue query that reaches an instance not
 *                          holding that queue is forwarded there; blank when no other instance can reach it (queries
 *                          for another instance's queues are then refused with 503, never answered empty)
 */
@Validated
@ConfigurationProperties("socialink.delivery")
public record DeliverySettings(
        @DefaultValue("delivery-worker") @NotBlank String applicationId,
        @NotBlank String stateDir,
        @DefaultValue("64") @Positive @Max(10_000) int inFlight,
        @DefaultValue("30d") @DurationUnit(ChronoUnit.DAYS) Duration queueTtl,
        @DefaultValue("10000") @Positive int maxQueueLength,
        @DefaultValue("1d") @DurationUnit(ChronoUnit.DAYS) Duration ackedRetention,

        @DefaultValue("30s") @DurationUnit(ChronoUnit.SECONDS)
        Duration heartbeatInterval,

        @DefaultValue("10s") @DurationUnit(ChronoUnit.SECONDS)
        Duration expiryInterval,

        @DefaultValue("1") @Positive @Max(64) int streamThreads,
        @DefaultValue("1s") Duration commitInterval,

        @DefaultValue("10s") @DurationUnit(ChronoUnit.SECONDS)
        Duration sessionTimeout,

        @DefaultValue("") String instanceId,
        @DefaultValue("10") @Positive int maxPushes,
        @DefaultValue("0") @PositiveOrZero @Max(8) int standbyReplicas,
        @DefaultValue("") String advertisedAddress)
        implements StreamsSettings {

    public DeliverySettings {
        requirePositive("queue-ttl", queueTtl);
        requirePositive("acked-retention", ackedRetention);
        requirePositive("heartbeat-interval", heartbeatInterval);
        requirePositive("expiry-interval", expiryInterval);
        requirePositive("commit-interval", commitInterval);
        requirePositive("session-timeout", sessionTimeout);
        instanceId = instanceId == null ? "" : instanceId.trim();
        advertisedAddress = advertisedAddress == null ? "" : advertisedAddress.trim();
        if (!advertisedAddress.isEmpty() && !advertisedAddress.matches("[^:/\\s]+:\\d{1,5}")) {
            throw new IllegalArgumentException(
                    "socialink.delivery.advertised-address must be host:port, was '" + advertisedAddress + "'");
        }
    }

    /** The defaults, with the state under {@code java.io.tmpdir}. */
    public static DeliverySettings defaults() {
        return new DeliverySettings(
                "delivery-worker",
                Path.of(System.getProperty("java.io.tmpdir"), "socialink-delivery-worker")
                        .toString(),
                64,
                Duration.ofDays(30),
                10_000,
                Duration.ofDays(1),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10),
                1,
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                "",
                10,
                0,
                "");
    }

    /** Its gateway incarnation silent for three intervals: the socket is taken for gone. */
    public Duration routeTimeout() {
        return heartbeatInterval.multipliedBy(3);
    }

    public DeliverySettings withInFlight(int value) {
        return new DeliverySettings(
                applicationId,
                stateDir,
                value,
                queueTtl,
                maxQueueLength,
                ackedRetention,
                heartbeatInterval,
                expiryInterval,
                streamThreads,
                commitInterval,
                sessionTimeout,
                instanceId,
                maxPushes,
                standbyReplicas,
                advertisedAddress);
    }

    public DeliverySettings withMaxQueueLength(int value) {
        return new DeliverySettings(
                applicationId,
                stateDir,
                inFlight,
                queueTtl,
                value,
                ackedRetention,
                heartbeatInterval,
                expiryInterval,
                streamThreads,
                commitInterval,
                sessionTimeout,
                instanceId,
                maxPushes,
                standbyReplicas,
                advertisedAddress);
    }

    public DeliverySettings withMaxPushes(int value) {
        return new DeliverySettings(
                applicationId,
                stateDir,
                inFlight,
                queueTtl,
                maxQueueLength,
                ackedRetention,
                heartbeatInterval,
                expiryInterval,
                streamThreads,
                commitInterval,
                sessionTimeout,
                instanceId,
                value,
                standbyReplicas,
                advertisedAddress);
    }

    public DeliverySettings withAdvertisedAddress(String value) {
        return new DeliverySettings(
                applicationId,
                stateDir,
                inFlight,
                queueTtl,
                maxQueueLength,
                ackedRetention,
                heartbeatInterval,
                expiryInterval,
                streamThreads,
                commitInterval,
                sessionTimeout,
                instanceId,
                maxPushes,
                standbyReplicas,
                value);
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("socialink.delivery." + name + " must be a positive duration");
        }
    }
}
