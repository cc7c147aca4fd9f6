package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class DeviceAuthIT {

    private static GatewayApp app;
    private static Device device;

    @BeforeAll
    static void start(KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) {
        app = GatewayApp.start(kafka, postgres, redis, Map.of());
        device = app.register(GatewayApp.unique("auth"), 7);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static void assertProblem(Response response, int status, String name) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.problemType()).isEqualTo("https://socialink.io/problems/" + name);
        assertThat(response.json().get("status").asInt()).isEqualTo(status);
        assertThat(response.json().get("title").asString()).isNotBlank();
    }

    @Test
    void shouldAuthenticateARegisteredDevice() {
        // when
        Response response = app.get("/api/v1/keys/devices/" + device.userId(), device.authorization());

        // then
        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void shouldAnswer401WithoutOrWithBadCredentials() {
        // given
        String path = "/api/v1/keys/devices/" + device.userId();

        // when
        List<Response> responses = List.of(
                app.get(path, null),
                app.get(path, GatewayApp.basic(device.userId(), device.deviceId(), "wrong-secret")),
                app.get(path, GatewayApp.basic(device.userId(), 2, device.secret())),
                app.get(path, GatewayApp.basic(GatewayApp.unique("ghost"), 1, device.secret())),
                app.get(
                        path,
                        "Basic "
                                + java.util.Base64.getEncoder()
                                        .encodeToString((device.userId() + ":" + device.secret())
                                                .getBytes(StandardCharsets.UTF_8))),
                app.get(path, "Basic %%%not-base64"),
                app.get(path, "Bearer " + GatewayApp.platformToken(device.userId())));

        // then
        for (Response response : responses) {
            assertProblem(response, 401, "unauthorized");
        }
        assertThat(responses.get(0).raw().headers().firstValue("WWW-Authenticate"))
                .hasValue("Basic realm=\"socialink\"");
    }

    @Test
    void shouldAnswer401BeforeRevealingWhetherARouteExists() {
        assertProblem(app.get("/api/v1/nothing-here", null), 401, "unauthorized");
    }

    @Test
    void shouldRenderRoutingErrorsAsProblems() {
        // when
        Response unknown = app.get("/api/v1/nothing-here", device.authorization());
        Response method = app.send(app.request("/api/v1/keys/devices/" + device.userId(), device.authorization())
                .DELETE());
        Response mediaType = app.send(app.request("/api/v1/messages/send/" + device.userId(), device.authorization())
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hi")));

        // then
        assertProblem(unknown, 404, "not-found");
        assertProblem(method, 405, "method-not-allowed");
        assertProblem(mediaType, 415, "unsupported-media-type");
    }

    @Test
    void shouldServeReadinessAndOpenApiWithoutCredentials() {
        // when (metrics and health details are on the internal port: InternalEndpointsIT)
        Response health = app.get("/readyz", null);
        Response openApi = app.get("/api/v1/openapi.yaml", null);

        // then
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("UP");
        assertThat(openApi.status()).isEqualTo(200);
        assertThat(openApi.body()).startsWith("openapi: 3");
    }

    @Test
    void shouldRequireCredentialsForOtherActuatorEndpoints() {
        assertProblem(app.get("/actuator/env", null), 401, "unauthorized");
    }
}
