package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Error responses keep the connection open: a client's next request after a 4xx uses the same TCP connection,
 * also when the error was sent before the request body was read (401 on a large POST, 413).
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class KeepAliveIT {

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

    private static String head(String method, String path, String authorization, int contentLength) {
        StringBuilder head = new StringBuilder(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\n");
        if (authorization != null) {
            head.append("Authorization: ").append(authorization).append("\r\n");
        }
        if (contentLength >= 0) {
            head.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(contentLength)
                    .append("\r\n");
        }
        return head.substring(0, head.length() - 2);
    }

    private static byte[] largeJson(int size) {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        body[size - 1] = '}';
        return body;
    }

    private static void assertKeptProblem(RawHttp.Reply reply, int status) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
        assertThat(reply.header("Connection"))
                .as("Connection header of a %d", status)
                .isNull();
    }

    @Test
    @Timeout(120)
    void shouldServeSeveralErrorResponsesOnOneKeepAliveConnection() throws Exception {
        // given
        Device alice = app.register(GatewayApp.unique("alice"), 1);
        String settings = "/api/v1/settings/" + alice.userId();
        String send = "/api/v1/messages/send/" + alice.userId();
        byte[] oneMiB = largeJson(1024 * 1024);
        byte[] fiveMiB = largeJson(5 * 1024 * 1024);
        byte[] badSettings = "{\"readReceipts\":\"no\"}".getBytes(StandardCharsets.UTF_8);
        byte[] unknownDestination = ("{\"destination\":\"nobody_here\",\"idempotencyKey\":\"k\",\"messages\":[]}")
                .getBytes(StandardCharsets.UTF_8);

        try (RawHttp http = new RawHttp(app.port)) {
            for (int round = 0; round < 5; round++) {
                // when / then
                assertKeptProblem(http.exchange(head("GET", settings, null, -1), new byte[0]), 401);
                assertKeptProblem(http.exchange(head("POST", send, null, oneMiB.length), oneMiB), 401);
                assertKeptProblem(
                        http.exchange(head("POST", send, alice.authorization(), fiveMiB.length), fiveMiB), 413);
                assertKeptProblem(
                        http.exchange(head("GET", "/api/v1/nothing-here", alice.authorization(), -1), new byte[0]),
                        404);
                assertKeptProblem(
                        http.exchange(head("PUT", settings, alice.authorization(), badSettings.length), badSettings),
                        400);
                assertKeptProblem(
                        http.exchange(
                                head("POST", send, alice.authorization(), unknownDestination.length),
                                unknownDestination),
                        404);
                RawHttp.Reply ok = http.exchange(head("GET", settings, alice.authorization(), -1), new byte[0]);
                assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            }
        }
    }
}
