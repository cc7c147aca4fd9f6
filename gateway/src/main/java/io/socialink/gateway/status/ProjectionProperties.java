package io.socialink.gateway.status;

import jakarta.validation.constraints.AssertTrue;
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
 * @param lagWait       how long a receipt (delivered, read) for a copy the projection does not have yet looks again
 *                      before it is answered 404 {@code unknown-message}: the projection follows the delivery a
 *                      moment behind; every receipt for an unknown message takes this long
 */
@Validated
@ConfigurationProperties("socialink.projection")
public record ProjectionProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("false") boolean rebuild,
        @DefaultValue("10s") @NotNull Duration sweepInterval,
        @DefaultValue("2s") @NotNull Duration lagWait) {

    public static final String GROUP = "gateway-status-projection";

    @AssertTrue(message = "socialink.projection.lag-wait must not be negative")
    public boolean isLagWaitNotNegative() {
        return lagWait == null || !lagWait.isNegative();
    }
}
