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
 */
@Validated
@ConfigurationProperties("socialink.gateway.groups")
public record GroupProperties(
        @DefaultValue("10s") @NotNull Duration replyTimeout,
        @DefaultValue("true") boolean projectionEnabled) {

    public static final String PROJECTION_GROUP = "gateway-group-projection";
}
