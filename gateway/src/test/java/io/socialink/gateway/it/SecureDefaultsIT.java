package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * No gateway runs with a development secret unless the local profile asks for it; under that profile the settings
 * still apply (here: a {@code jti} required on every platform token).
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class, OutputCaptureExtension.class})
class SecureDefaultsIT {

    /** The development secrets as published in gateway-environment.yml. */
    private static final String DEVELOPMENT_PLATFORM_SECRET = "socialink-local-platform-secret-0123456789abcdef";

    private static final String DEVELOPMENT_INTERNAL_SECRET = "socialink-local-internal-secret-0123456789abcdef";

    /** The harness's properties without its secrets: the environment defaults (the development secrets) apply. */
    private static Map<String, Object> withDevelopmentSecrets(Map<String, Object> more) {
        Map<String, Object> extra = new HashMap<>();
        extra.put("socialink.platform.jwt-secret", null);
        extra.put("socialink.internal.secret", null);
        extra.putAll(more);
        return extra;
    }

    @Test
    void shouldRefuseToStartWithTheDevelopmentPlatformSecretOutsideTheLocalProfile(
            KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis, CapturedOutput output) {
        // given
        Map<String, Object> extra = new HashMap<>();
        extra.put("socialink.platform.jwt-secret", null);

        // when / then
        assertThatThrownBy(() -> GatewayApp.start(kafka, postgres, redis, extra))
                .hasMessageContaining("PLATFORM_JWT_SECRET")
                .hasMessageContaining("development secret");
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("SPRING_PROFILES_ACTIVE=local")
                .doesNotContain("\tat org.springframework");
    }

    @Test
    void shouldRefuseToStartWithTheDevelopmentInternalSecretOutsideTheLocalProfile(
            KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) {
        // given
        Map<String, Object> extra = new HashMap<>();
        extra.put("socialink.internal.secret", null);

        // when / then
        assertThatThrownBy(() -> GatewayApp.start(kafka, postgres, redis, extra))
                .hasMessageContaining("SOCIALINK_INTERNAL_SECRET");
    }

    @Test
    void shouldRefuseTheDevelopmentSecretEvenWhenSetExplicitly(
            KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) {
        assertThatThrownBy(() -> GatewayApp.start(
                        kafka, postgres, redis, Map.of("socialink.platform.jwt-secret", DEVELOPMENT_PLATFORM_SECRET)))
                .hasMessageContaining("PLATFORM_JWT_SECRET");
    }

    @Test
    void shouldStartWithTheDevelopmentSecretsUnderTheLocalProfileAndRefuseTokensWithoutJtiWhenRequired(
            KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) {
        // given
        try (GatewayApp app = GatewayApp.start(
                kafka,
                postgres,
                redis,
                withDevelopmentSecrets(Map.of(
                        "spring.profiles.active", "local",
                        "socialink.platform.require-jti", "true")))) {
            String user = GatewayApp.unique("local");
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                    .subject(user)
                    .issueTime(new Date())
                    .expirationTime(new Date(
                            System.currentTimeMillis() + Duration.ofMinutes(5).toMillis()));

            // when
            Response withoutJti = app.post(
                    "/api/v1/keys/register/" + user,
                    "Bearer " + GatewayApp.platformToken(claims.build(), DEVELOPMENT_PLATFORM_SECRET),
                    GatewayApp.registrationBody(7));
            Response withJti = app.post(
                    "/api/v1/keys/register/" + user,
                    "Bearer "
                            + GatewayApp.platformToken(
                                    claims.jwtID(UUID.randomUUID().toString()).build(), DEVELOPMENT_PLATFORM_SECRET),
                    GatewayApp.registrationBody(8));
            Response metrics = app.getInternal(
                    "/actuator/prometheus", GatewayApp.internalAuthorization(DEVELOPMENT_INTERNAL_SECRET));

            // then
            assertThat(withoutJti.status()).as(withoutJti.body()).isEqualTo(401);
            assertThat(withoutJti.contentType()).startsWith("application/problem+json");
            assertThat(withJti.status()).as(withJti.body()).isEqualTo(201);
            assertThat(metrics.status()).isEqualTo(200);
        }
    }
}
