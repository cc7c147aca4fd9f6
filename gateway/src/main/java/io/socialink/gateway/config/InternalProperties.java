package io.socialink.gateway.config;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The credential shared by the apps for their internal endpoints ({@code socialink.internal.*}, env
 * {@code SOCIALINK_INTERNAL_SECRET}): the gateway presents it to the delivery-worker's queue API and demands it for
 * its own actuator details and metrics. HTTP Basic with user {@link #USER} and the secret as password.
 */
@Validated
@ConfigurationProperties("socialink.internal")
public record InternalProperties(@NotNull Secret secret) {

    public static final String USER = "internal";

    /** The secret in {@code gateway-environment.yml}: public, so only accepted under the local profile. */
    public static final String DEVELOPMENT_SECRET = "socialink-local-internal-secret-0123456789abcdef";

    @AssertTrue(message = "socialink.internal.secret must be at least 32 bytes")
    public boolean isSecretLongEnough() {
        return secret != null && secret.utf8().length >= 32;
    }
}
