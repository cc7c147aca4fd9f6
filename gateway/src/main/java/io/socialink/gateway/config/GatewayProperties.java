package io.socialink.gateway.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * This gateway node's settings ({@code socialink.gateway.*}).
 *
 * @param nodeId       this node's id, also its partition of {@code gateway.push}; must be below the push partition
 *                     count (checked at startup against the topic layout)
 * @param maxDevices   active devices one user may register
 * @param heartbeat    interval of this node's NODE_ALIVE events ({@code node.NodeHeartbeats}), which keep its sockets'
 *                     routes and presence alive
 * @param deviceCache  how long a user's device list may be reused at most (a backstop: every node forgets a user's
 *                     list as soon as any node registers or removes one of the user's devices, and uses no cached
 *                     list while it does not hear those changes); a send rejected against a cached list is
 *                     re-checked against the database before the rejection is answered
 * @param socketBuffer outbound frames a socket may have waiting before it is closed as too slow
 * @param maxConnections the most device WebSockets this node holds at once; an upgrade over it is refused with 503
 *                     {@code connections-exhausted}. 0 derives it from the process's open-file (soft) limit at
 *                     startup: limit − max(1024, limit / 10), at least 1, so the other descriptors (Kafka, Postgres,
 *                     Redis, HTTP requests, jars, logs) never run out ({@code websocket.ConnectionLimit})
 */
@Validated
@ConfigurationProperties("socialink.gateway")
public record GatewayProperties(
        @Min(0) int nodeId,
        @DefaultValue("10") @Min(1) @Max(1000) int maxDevices,
        @DefaultValue("30s") @NotNull Duration heartbeat,
        @DefaultValue("60s") @NotNull Duration deviceCache,
        @DefaultValue("256") @Min(8) int socketBuffer,
        @DefaultValue("0") @Min(0) int maxConnections) {}
