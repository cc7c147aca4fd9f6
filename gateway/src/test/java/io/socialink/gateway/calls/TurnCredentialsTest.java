package io.socialink.gateway.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.gateway.config.Secret;
import io.socialink.gateway.problem.ProblemException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TurnCredentialsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_764_913_600L), ZoneOffset.UTC);

    @Test
    void shouldComputeThePasswordAsCoturnDoes() {
        // given: a vector computed independently of this code:
        //   printf '%s' '1765000000:alice' | openssl dgst -sha1 -hmac 'socialink-turn-test-secret' -binary | base64
        String expected = "aLH4Fh9lZGLdZX7/+nkV4XeFAGU=";

        // when
        String password = TurnCredentials.password(
                "socialink-turn-test-secret".getBytes(StandardCharsets.UTF_8), "1765000000:alice");

        // then
        assertThat(password).isEqualTo(expected);
    }

    @Test
    void shouldIssueAUsernameThatExpiresAfterTheTtl() {
        // given: now + 86,400 s = 1,765,000,000
        TurnCredentials turn = new TurnCredentials(
                new CallProperties.Turn(
                        new Secret("socialink-turn-test-secret"),
                        List.of("turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"),
                        Duration.ofDays(1)),
                CLOCK);

        // when
        Map<String, Object> credentials = turn.issue("alice");

        // then
        assertThat(credentials)
                .containsExactly(
                        Map.entry("username", "1765000000:alice"),
                        Map.entry("password", "aLH4Fh9lZGLdZX7/+nkV4XeFAGU="),
                        Map.entry("ttlSeconds", 86_400L),
                        Map.entry(
                                "uris",
                                List.of("turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349")));
    }

    @Test
    void shouldBeUnavailableWithoutASecretOrWithoutServers() {
        for (CallProperties.Turn config : List.of(
                new CallProperties.Turn(new Secret(""), List.of("turn:127.0.0.1:3478"), null),
                new CallProperties.Turn(null, List.of("turn:127.0.0.1:3478"), null),
                new CallProperties.Turn(new Secret("a-secret"), List.of(), null),
                new CallProperties.Turn(new Secret("a-secret"), List.of(" ", ""), null),
                new CallProperties.Turn(new Secret("a-secret"), null, null))) {
            TurnCredentials turn = new TurnCredentials(config, CLOCK);
            assertThat(turn.available()).as(config.toString()).isFalse();
            assertThatThrownBy(() -> turn.issue("alice")).isInstanceOfSatisfying(ProblemException.class, e -> {
                assertThat(e.problem().status().value()).isEqualTo(503);
                assertThat(e.problem().name()).isEqualTo("turn-unavailable");
            });
        }
    }

    @Test
    void shouldDefaultTheTtlToOneDay() {
        assertThat(new CallProperties.Turn(new Secret("s"), List.of("turn:x"), null).ttl())
                .isEqualTo(Duration.ofSeconds(86_400));
    }
}
