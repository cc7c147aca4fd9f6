package io.socialink.gateway.status;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The status projection ({@code socialink.projection.*}).
 *
 * @param enabled       whether this gateway consumes {@code metadata.messages} into the projection and fans receipts
 *                      out (consumer group {@code <topic prefix>gateway-status-projection}, shared by all nodes)
 * @param rebuild       run as a command: truncate the projection, replay {@code metadata.messages} from its start to
 *                      its current end, then exit
 * @param sweepInterval how often rows of expired disappearing messages are removed
 */
@Validated
@ConfigurationProperties("socialink.projection")
public record ProjectionProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("false") boolean rebuild,
        @DefaultValue("10s") @NotNull Duration sweepInterval) {

    public static final String GROUP = "gateway-status-projection";
}
