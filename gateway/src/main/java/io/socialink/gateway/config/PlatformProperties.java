package io.socialink.gateway.config;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How platform identity tokens are verified ({@code socialink.platform.*}): HS256 with {@code jwtSecret} (its UTF-8
 * bytes are the key), or, when {@code jwksUri} is set, the identity provider's published keys instead.
 *
 * @param maxTokenLifetime how far in the future a token's {@code exp} may lie (a token without {@code exp} is
 *                         refused); bounds how long a leaked token is worth anything
 * @param requireJti       refuse tokens without a {@code jti}; a token that carries one is accepted once either way
 */
@Validated
@ConfigurationProperties("socialink.platform")
public record PlatformProperties(
        @NotNull Secret jwtSecret,
        String jwksUri,
        @DefaultValue("1h") @NotNull Duration maxTokenLifetime,
        @DefaultValue("false") boolean requireJti) {

    /** The secret in {@code gateway-environment.yml}: public, so only accepted under the local profile. */
    public static final String DEVELOPMENT_SECRET = "socialink-local-platform-secret-0123456789abcdef";

    @ConstructorBinding
    public PlatformProperties {}

    /** The default lifetime bound, no {@code jti} required. */
    public PlatformProperties(Secret jwtSecret, String jwksUri) {
        this(jwtSecret, jwksUri, Duration.ofHours(1), false);
    }

    /** HS256 needs a key of at least 256 bits; only checked when the secret is what verifies tokens. */
    @AssertTrue(message = "socialink.platform.jwt-secret must be at least 32 bytes")
    public boolean isSecretLongEnough() {
        return usesJwks() || (jwtSecret != null && jwtSecret.utf8().length >= 32);
    }

    @AssertTrue(message = "socialink.platform.max-token-lifetime must be positive")
    public boolean isMaxTokenLifetimePositive() {
        return maxTokenLifetime == null || (!maxTokenLifetime.isNegative() && !maxTokenLifetime.isZero());
    }

    public boolean usesJwks() {
        return jwksUri != null && !jwksUri.isBlank();
    }
}
