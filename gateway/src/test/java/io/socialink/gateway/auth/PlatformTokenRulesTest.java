package io.socialink.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.config.PlatformProperties;
import io.socialink.gateway.config.Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;

class PlatformTokenRulesTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Secret SECRET = new Secret("x".repeat(32));

    private static PlatformTokenRules rules(Duration maxLifetime, boolean requireJti) {
        return new PlatformTokenRules(new PlatformProperties(SECRET, null, maxLifetime, requireJti), CLOCK);
    }

    private static Jwt.Builder token() {
        return Jwt.withTokenValue("t").header("alg", "HS256").subject("alice").issuedAt(NOW);
    }

    @Test
    void shouldRefuseATokenWithoutExp() {
        assertThat(rules(Duration.ofHours(1), false).validate(token().build()).hasErrors())
                .isTrue();
    }

    @Test
    void shouldAcceptAnExpUpToTheMaximumLifetimePlusTheClockSkew() {
        // given
        PlatformTokenRules rules = rules(Duration.ofHours(1), false);

        // then
        assertThat(rules.validate(
                                token().expiresAt(NOW.plus(Duration.ofHours(1)).plusSeconds(60))
                                        .build())
                        .hasErrors())
                .isFalse();
        assertThat(rules.validate(
                                token().expiresAt(NOW.plus(Duration.ofHours(1)).plusSeconds(61))
                                        .build())
                        .hasErrors())
                .isTrue();
    }

    @Test
    void shouldRequireAJtiOnlyWhenConfigured() {
        // given
        Jwt withoutJti = token().expiresAt(NOW.plusSeconds(300)).build();
        Jwt withJti = token().expiresAt(NOW.plusSeconds(300)).jti("j-1").build();

        // then
        assertThat(rules(Duration.ofHours(1), false).validate(withoutJti).hasErrors())
                .isFalse();
        assertThat(rules(Duration.ofHours(1), true).validate(withoutJti).hasErrors())
                .isTrue();
        assertThat(rules(Duration.ofHours(1), true).validate(withJti).hasErrors())
                .isFalse();
    }
}
