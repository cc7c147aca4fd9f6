package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The actuator lives on the internal port: liveness and readiness answer anyone with a status only, details and
 * metrics need the internal credential, and the public port serves none of it but {@code /livez} and {@code /readyz}.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class InternalEndpointsIT {

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

    private static String credential() {
        return GatewayApp.internalAuthorization(GatewayApp.INTERNAL_SECRET);
    }

    @Test
    void shouldAnswerLivenessAndReadinessOnThePublicPortWithoutDetails() {
        // when
        Response live = app.get("/livez", null);
        Response ready = app.get("/readyz", null);

        // then
        assertThat(live.status()).isEqualTo(200);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asString()).isEqualTo("UP");
        assertThat(ready.json().has("components")).isFalse();
    }

    @Test
    void shouldShowHealthDetailsOnlyWithTheInternalCredential() {
        // when
        Response anonymous = app.getInternal("/actuator/health", null);
        Response authorized = app.getInternal("/actuator/health", credential());

        // then
        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.json().get("status").asString()).isEqualTo("UP");
        assertThat(anonymous.json().has("components")).isFalse();
        assertThat(anonymous.body()).doesNotContain("diskSpace");
        assertThat(authorized.status()).isEqualTo(200);
        assertThat(authorized.json().get("components").has("kafka")).isTrue();
    }

    @Test
    void shouldRefuseMetricsWithoutOrWithAWrongCredential() {
        // when
        Response none = app.getInternal("/actuator/prometheus", null);
        Response wrong = app.getInternal(
                "/actuator/prometheus", GatewayApp.internalAuthorization("wrong-secret-wrong-secret-wrong-secret"));
        Response right = app.getInternal("/actuator/prometheus", credential());

        // then
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.contentType()).startsWith("application/problem+json");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(right.status()).isEqualTo(200);
        assertThat(right.body()).contains("socialink_gateway_sockets");
    }

    @Test
    void shouldNotServeTheActuatorOnThePublicPort() {
        // when
        Response metrics = app.get("/actuator/prometheus", credential());
        Response health = app.get("/actuator/health", credential());

        // then
        assertThat(metrics.status()).isEqualTo(404);
        assertThat(health.status()).isEqualTo(404);
    }

    @Test
    void shouldBindTheInternalPortToLoopbackByDefault() {
        assertThat(app.bean(org.springframework.core.env.Environment.class).getProperty("management.server.address"))
                .isEqualTo("127.0.0.1");
    }
}
