package io.socialink.gateway.auth;

import io.socialink.gateway.config.PlatformProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The registration-token rules on top of the signature and timestamp checks: a platform token must carry {@code exp}
 * no further than {@link PlatformProperties#maxTokenLifetime()} ahead (plus the clock skew the timestamp check
 * allows), and a {@code jti} when {@link PlatformProperties#requireJti()} is set. A token without {@code exp} would
 * stay valid forever once leaked.
 */
public final class PlatformTokenRules implements OAuth2TokenValidator<Jwt> {

    /** The clock skew Spring Security's timestamp check allows; tokens are judged with the same tolerance. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private final Duration maxLifetime;
    private final boolean requireJti;
    private final Clock clock;

    public PlatformTokenRules(PlatformProperties platform, Clock clock) {
        this.maxLifetime = platform.maxTokenLifetime();
        this.requireJti = platform.requireJti();
        this.clock = clock;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt token) {
        Instant expiresAt = token.getExpiresAt();
        if (expiresAt == null) {
            return invalid("the platform token has no exp");
        }
        if (expiresAt.isAfter(clock.instant().plus(maxLifetime).plus(CLOCK_SKEW))) {
            return invalid("the platform token lives longer than " + maxLifetime);
        }
        if (requireJti && (token.getId() == null || token.getId().isBlank())) {
            return invalid("the platform token has no jti");
        }
        return OAuth2TokenValidatorResult.success();
    }

    private static OAuth2TokenValidatorResult invalid(String description) {
        return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, description, null));
    }
}
