package io.socialink.gateway.config;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How platform identity tokens are verified ({@code socialink.platform.*}): HS256 with {@code jwtSecret} (its UTF-8
 * bytes are the key), or, when {@code jwksUri} is set, the identity provider's published keys instead.
 */
@Validated
@ConfigurationProperties("socialink.platform")
public record PlatformProperties(@NotNull Secret jwtSecret, String jwksUri) {

    /** HS256 needs a key of at least 256 bits; only checked when the secret is what verifies tokens. */
    @AssertTrue(message = "socialink.platform.jwt-secret must be at least 32 bytes")
    public boolean isSecretLongEnough() {
        return usesJwks() || (jwtSecret != null && jwtSecret.utf8().length >= 32);
    }

    public boolean usesJwks() {
        return jwksUri != null && !jwksUri.isBlank();
    }
}
