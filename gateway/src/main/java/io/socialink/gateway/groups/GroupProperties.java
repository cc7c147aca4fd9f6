package io.socialink.gateway.groups;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * MLS groups in the gateway ({@code socialink.gateway.groups.*}).
 *
 * @param replyTimeout      how long a group request waits for group-fanout's reply before it is answered 503
 *                          {@code group-service-unavailable} (env {@code SOCIALINK_GATEWAY_GROUPS_REPLY_TIMEOUT})
 * @param projectionEnabled whether this gateway folds {@code group.events} into the group tables (consumer group
 *                          {@code <topic prefix>gateway-group-projection}, shared by all nodes)
 * @param payloadRetention  how long a stored Commit or Welcome ({@link GroupPayloads}) is kept after its last store;
 *                          longer than the delivery-worker's queue TTL (30 d), since a copy that refers to it can wait
 *                          that long (env {@code SOCIALINK_GATEWAY_GROUPS_PAYLOADRETENTION})
 * @param payloadSweepInterval how often a node that runs the group projection deletes payloads past their retention
 */
@Validated
@ConfigurationProperties("socialink.gateway.groups")
public record GroupProperties(
        @DefaultValue("10s") @NotNull Duration replyTimeout,
        @DefaultValue("true") boolean projectionEnabled,
        @DefaultValue("31d") @NotNull Duration payloadRetention,
        @DefaultValue("1h") @NotNull Duration payloadSweepInterval) {

    public static final String PROJECTION_GROUP = "gateway-group-projection";
}
