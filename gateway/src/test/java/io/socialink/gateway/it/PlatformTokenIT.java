package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The rules a platform registration token must meet: a bounded {@code exp}, and one use per {@code jti}. */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class PlatformTokenIT {

    private static GatewayApp app;

    @BeforeAll
    static void start(KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) {
        app = GatewayApp.start(kafka, postgres, redis, Map.of());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static Response register(String userId, JWTClaimsSet claims) {
        return app.post(
                "/api/v1/keys/register/" + userId,
                "Bearer " + GatewayApp.platformToken(claims, GatewayApp.PLATFORM_SECRET),
                GatewayApp.registrationBody(4711));
    }

    private static JWTClaimsSet.Builder claims(String userId, Duration validFor) {
        return new JWTClaimsSet.Builder()
                .subject(userId)
                .issueTime(new Date())
                .expirationTime(new Date(System.currentTimeMillis() + validFor.toMillis()));
    }

    @Test
    void shouldRefuseATokenWithoutExpiry() {
        // given
        String user = GatewayApp.unique("noexp");
        JWTClaimsSet noExpiry = new JWTClaimsSet.Builder()
                .subject(user)
                .issueTime(new Date())
                .jwtID(UUID.randomUUID().toString())
                .build();

        // when
        Response response = register(user, noExpiry);

        // then
        assertUnauthorizedProblem(response);
    }

    @Test
    void shouldRefuseATokenLivingLongerThanTheMaximumLifetime() {
        // given
        String user = GatewayApp.unique("longexp");

        // when
        Response tooLong = register(user, claims(user, Duration.ofHours(2)).build());
        Response withinLimit =
                register(user, claims(user, Duration.ofMinutes(55)).build());

        // then
        assertUnauthorizedProblem(tooLong);
        assertThat(withinLimit.status()).isEqualTo(201);
    }

    @Test
    void shouldAcceptATokenCarryingAJtiOnlyOnce() {
        // given
        String user = GatewayApp.unique("jti");
        JWTClaimsSet once = claims(user, Duration.ofMinutes(5))
                .jwtID(UUID.randomUUID().toString())
                .build();

        // when
        Response first = register(user, once);
        Response replay = register(user, once);
        Response third = register(user, once);

        // then
        assertThat(first.status()).isEqualTo(201);
        assertUnauthorizedProblem(replay);
        assertUnauthorizedProblem(third);
    }

    private static void assertUnauthorizedProblem(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(401);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.problemType()).isEqualTo("https://socialink.io/problems/unauthorized");
    }
}
