package io.socialink.client.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PlatformTokensTest {

    private static final String SECRET = "a-test-secret-of-at-least-32-bytes-length";

    @Test
    void shouldMintAnHs256TokenVerifiableWithTheSecret() throws Exception {
        // given
        PlatformTokens tokens = new PlatformTokens(SECRET);

        // when
        SignedJWT jwt = SignedJWT.parse(tokens.mint("alice"));

        // then
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
        assertThat(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8))))
                .isTrue();
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("alice");
    }

    @Test
    void shouldNotVerifyWithAnotherSecret() throws Exception {
        // given
        PlatformTokens tokens = new PlatformTokens(SECRET);

        // when
        SignedJWT jwt = SignedJWT.parse(tokens.mint("alice"));

        // then
        assertThat(jwt.verify(new MACVerifier(PlatformTokens.DEFAULT_SECRET.getBytes(StandardCharsets.UTF_8))))
                .isFalse();
    }

    @Test
    void shouldExpireAfterTheTimeToLive() throws Exception {
        // given
        Instant now = Instant.parse("2025-06-01T12:00:00Z");
        PlatformTokens tokens = new PlatformTokens(SECRET, Duration.ofMinutes(2), Clock.fixed(now, ZoneOffset.UTC));

        // when
        SignedJWT jwt = SignedJWT.parse(tokens.mint("bob"));

        // then
        assertThat(jwt.getJWTClaimsSet().getIssueTime().toInstant()).isEqualTo(now);
        assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant()).isEqualTo(now.plusSeconds(120));
    }

    @Test
    void shouldGiveEveryTokenItsOwnJtiBecauseTheGatewayAcceptsEachJtiOnce() throws Exception {
        // given
        PlatformTokens tokens = new PlatformTokens(SECRET);

        // when
        String first = SignedJWT.parse(tokens.mint("carol")).getJWTClaimsSet().getJWTID();
        String second = SignedJWT.parse(tokens.mint("carol")).getJWTClaimsSet().getJWTID();

        // then
        assertThat(first).isNotBlank();
        assertThat(second).isNotBlank().isNotEqualTo(first);
    }

    @Test
    void shouldStayWithinTheGatewaysDefaultMaximumLifetime() {
        assertThat(PlatformTokens.DEFAULT_TTL).isLessThanOrEqualTo(Duration.ofHours(1));
    }

    @Test
    void shouldRefuseASecretTooShortForHs256() {
        // when / then
        assertThatThrownBy(() -> new PlatformTokens("short")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldDefaultToTheGatewaysDevelopmentSecret() {
        // then
        assertThat(PlatformTokens.DEFAULT_SECRET).isEqualTo("socialink-local-platform-secret-0123456789abcdef");
    }
}
