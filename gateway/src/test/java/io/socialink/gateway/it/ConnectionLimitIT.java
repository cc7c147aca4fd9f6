package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.gateway.websocket.ConnectionLimit;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.net.http.WebSocketHandshakeException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * A node at {@code socialink.gateway.max-connections} refuses further WebSocket upgrades with 503
 * {@code connections-exhausted} and Retry-After, keeps its sockets and its health endpoints working, and takes a new
 * socket once one has closed.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class ConnectionLimitIT {

    private static GatewayApp app;

    @BeforeAll
    static void start(KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) {
        app = GatewayApp.start(kafka, postgres, redis, Map.of("socialink.gateway.max-connections", 2));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static TestSocket connect(Device device) {
        return TestSocket.connect(app.http(), app.port, path(device), device.authorization());
    }

    private static String path(Device device) {
        return "/ws/" + device.userId() + "/" + device.deviceId();
    }

    private static RawHttp.Reply upgrade(RawHttp http, Device device, String authorization) throws Exception {
        return http.exchange(
                "GET " + path(device) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                        + "Authorization: " + authorization,
                new byte[0]);
    }

    private static void assertAnswers(TestSocket socket, String pingId) throws Exception {
        socket.sendText("{\"type\":\"ping\",\"id\":\"" + pingId + "\"}");
        JsonNode pong = socket.nextFrame("pong");
        assertThat(pong.get("id").asString()).isEqualTo(pingId);
    }

    private static void assertExhausted(RawHttp.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(503);
        assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = GatewayApp.JSON.readTree(reply.body());
        assertThat(problem.get("type").asString()).isEqualTo("https://socialink.io/problems/connections-exhausted");
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("detail").asString()).contains("another node");
        assertThat(Integer.parseInt(reply.header("Retry-After"))).isBetween(2, 6);
        assertThat(reply.header("Connection")).isEqualToIgnoringCase("close");
        assertThat(reply.header("Upgrade")).isNull();
    }

    @Test
    @Timeout(120)
    void shouldRefuseTheUpgradeOverTheCapKeepHealthAndAcceptAgainOnceASocketClosed() throws Exception {
        // given
        Device alice = app.register(GatewayApp.unique("alice"), 1);
        Device bob = app.register(GatewayApp.unique("bob"), 2);
        Device carol = app.register(GatewayApp.unique("carol"), 3);
        ConnectionLimit limit = app.bean(ConnectionLimit.class);
        TestSocket aliceSocket = connect(alice);
        TestSocket bobSocket = connect(bob);
        assertAnswers(aliceSocket, "alice-1");
        assertAnswers(bobSocket, "bob-1");

        // when: a third socket, and alice's reconnect while her socket is still open
        RawHttp.Reply refused;
        boolean closedAfterRefusal;
        try (RawHttp http = new RawHttp(app.port)) {
            refused = upgrade(http, carol, carol.authorization());
            closedAfterRefusal = http.closedByServer();
        }
        RawHttp.Reply aliceAgain;
        try (RawHttp http = new RawHttp(app.port)) {
            aliceAgain = upgrade(http, alice, alice.authorization());
        }
        RawHttp.Reply badCredentials;
        try (RawHttp http = new RawHttp(app.port)) {
            badCredentials = upgrade(http, carol, GatewayApp.basic(carol.userId(), carol.deviceId(), "wrong"));
        }

        // then
        assertExhausted(refused);
        assertThat(closedAfterRefusal).as("connection closed after the 503").isTrue();
        assertExhausted(aliceAgain);
        assertThat(badCredentials.status()).as("refused after authentication").isEqualTo(401);
        assertThatThrownBy(() -> connect(carol))
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(503));
        assertAnswers(aliceSocket, "alice-2");
        assertAnswers(bobSocket, "bob-2");
        assertThat(limit.held()).isEqualTo(2);

        // and health and metrics answer at the cap
        assertThat(app.get("/readyz", null).status()).isEqualTo(200);
        assertThat(app.get("/livez", null).status()).isEqualTo(200);
        assertThat(app.getInternal("/actuator/health", null).status()).isEqualTo(200);
        Response metrics =
                app.getInternal("/actuator/prometheus", GatewayApp.internalAuthorization(GatewayApp.INTERNAL_SECRET));
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).containsPattern("(?m)^socialink_gateway_sockets_limit\\{[^}]*} 2\\.0$");
        assertThat(metrics.body()).containsPattern("(?m)^socialink_gateway_sockets_refused_total\\{[^}]*} 3\\.0$");

        // when: one socket closes
        bobSocket.close();
        assertThat(bobSocket.awaitClose()).isEqualTo(1000);
        long deadline = System.currentTimeMillis() + 10_000;
        while (limit.held() > 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        TestSocket carolSocket = connect(carol);

        // then
        assertAnswers(carolSocket, "carol-1");
        assertAnswers(aliceSocket, "alice-3");
        assertThat(limit.held()).isEqualTo(2);
        aliceSocket.close();
        carolSocket.close();

        // and no socket, open or closed, is an HTTP request in the server's request metrics
        assertThat(aliceSocket.awaitClose()).isEqualTo(1000);
        assertThat(carolSocket.awaitClose()).isEqualTo(1000);
        deadline = System.currentTimeMillis() + 2_000;
        while (System.currentTimeMillis() < deadline) {
            assertThat(app.getInternal(
                                    "/actuator/prometheus",
                                    GatewayApp.internalAuthorization(GatewayApp.INTERNAL_SECRET))
                            .body())
                    .as("http.server.requests of a socket")
                    .doesNotContain("uri=\"/ws/");
            Thread.sleep(200);
        }
    }
}
