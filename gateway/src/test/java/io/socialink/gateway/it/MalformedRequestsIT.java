package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.metrics.GatewayMetrics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Every error the server sends, from the HTTP decoder up to the web layer, is problem+json with a stable type; the
 * client mistakes below the web layer are counted and not logged at WARN or ERROR.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class MalformedRequestsIT {

    private static GatewayApp app;
    private static LogCapture logs;

    @BeforeAll
    static void start(KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) {
        app = GatewayApp.start(kafka, postgres, redis, Map.of());
        logs = LogCapture.attach();
    }

    @AfterAll
    static void stop() {
        if (logs != null) {
            logs.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private static RawHttp.Reply request(String raw) throws Exception {
        try (RawHttp http = new RawHttp(app.port)) {
            return http.exchangeRaw(raw.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static double clientErrors() {
        return app.bean(MeterRegistry.class).find(GatewayMetrics.CLIENT_ERRORS).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    /** Expected status of a case where any 4xx with a problem body is right. */
    private static final int ANY_CLIENT_ERROR = -1;

    private static void assertProblem(String name, RawHttp.Reply reply, int status, String type) {
        if (status == ANY_CLIENT_ERROR) {
            assertThat(reply.status()).as(name + ": " + reply).isBetween(400, 499);
        } else {
            assertThat(reply.status()).as(name + ": " + reply).isEqualTo(status);
        }
        assertThat(reply.header("Content-Type")).as(name + ": " + reply).startsWith("application/problem+json");
        JsonNode body = GatewayApp.JSON.readTree(reply.body());
        assertThat(body.get("type").asString()).as(name).startsWith("https://socialink.io/problems/");
        if (type != null) {
            assertThat(body.get("type").asString()).as(name).isEqualTo("https://socialink.io/problems/" + type);
        }
        assertThat(body.get("status").asInt()).as(name).isEqualTo(reply.status());
    }

    @Test
    @Timeout(120)
    void shouldAnswerRequestsTheDecoderRejectsWithProblemsAndCountThemQuietly() throws Exception {
        // given
        double before = clientErrors();
        logs.warningsAndErrors();
        Map<String, Object[]> cases = new LinkedHashMap<>();
        cases.put("URI too long", new Object[] {
            "GET /api/v1/" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri-too-long"
        });
        cases.put("headers too large", new Object[] {
            "GET /api/v1/x HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n", 431, "headers-too-large"
        });
        cases.put("garbage request line", new Object[] {"GARBAGE\r\n\r\n", 400, "bad-request"});
        cases.put(
                "bad header line", new Object[] {"GET / HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n", 400, "bad-request"});
        cases.put(
                "bad path character", new Object[] {"GET /api/v1/a|b HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad-request"});
        cases.put(
                "bad percent escape", new Object[] {"GET /api/v1/%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad-request"});

        for (Map.Entry<String, Object[]> entry : cases.entrySet()) {
            // when
            RawHttp.Reply reply = request((String) entry.getValue()[0]);

            // then
            assertProblem(entry.getKey(), reply, (Integer) entry.getValue()[1], (String) entry.getValue()[2]);
        }
        assertThat(clientErrors() - before).isGreaterThanOrEqualTo(cases.size());
        assertThat(logs.warningsAndErrors()).isEmpty();
    }

    @Test
    @Timeout(120)
    void shouldAnswerEveryWebLayerErrorWithAProblem() throws Exception {
        // given
        Device alice = app.register(GatewayApp.unique("alice"), 7);
        String auth = "Authorization: " + alice.authorization() + "\r\n";
        String settings = "/api/v1/settings/" + alice.userId();
        String send = "/api/v1/messages/send/" + alice.userId();
        logs.warningsAndErrors();
        Map<String, Object[]> cases = new LinkedHashMap<>();
        cases.put(
                "path parameter",
                new Object[] {"GET " + settings + ";x=1 HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 400, "bad-request"});
        cases.put("encoded slash", new Object[] {
            "GET /api/v1/settings/a%2Fb HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 400, "bad-request"
        });
        cases.put("invalid content type", new Object[] {
            "POST " + send + " HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: ;;\r\nContent-Length: 2\r\n\r\n{}",
            415,
            "unsupported-media-type"
        });
        cases.put("unsupported content type", new Object[] {
            "POST " + send + " HTTP/1.1\r\nHost: x\r\n" + auth
                    + "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}",
            415,
            "unsupported-media-type"
        });
        cases.put("not acceptable", new Object[] {
            "GET " + settings + " HTTP/1.1\r\nHost: x\r\nAccept: image/png\r\n" + auth + "\r\n", 406, "not-acceptable"
        });
        cases.put("method not allowed", new Object[] {
            "DELETE " + send + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 405, "method-not-allowed"
        });
        cases.put(
                "unknown route",
                new Object[] {"GET /api/v1/nothing HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 404, "not-found"});
        cases.put(
                "no credentials",
                new Object[] {"GET " + settings + " HTTP/1.1\r\nHost: x\r\n\r\n", 401, "unauthorized"});
        cases.put("other user", new Object[] {
            "GET /api/v1/settings/someone_else HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 403, "forbidden"
        });
        cases.put("websocket without upgrade", new Object[] {
            "GET /ws/" + alice.userId() + "/" + alice.deviceId() + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
            400,
            "bad-request"
        });
        cases.put("websocket upgrade without a key", new Object[] {
            "GET /ws/" + alice.userId() + "/" + alice.deviceId() + " HTTP/1.1\r\nHost: x\r\n" + auth
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n",
            400,
            "bad-request"
        });
        cases.put("websocket upgrade whose connection is not upgraded", new Object[] {
            "GET /ws/" + alice.userId() + "/" + alice.deviceId() + " HTTP/1.1\r\nHost: x\r\n" + auth
                    + "Upgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n",
            400,
            "bad-request"
        });
        cases.put("websocket of another version", new Object[] {
            "GET /ws/" + alice.userId() + "/" + alice.deviceId() + " HTTP/1.1\r\nHost: x\r\n" + auth
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 99\r\n\r\n",
            426,
            "upgrade-required"
        });
        cases.put("websocket without credentials", new Object[] {
            "GET /ws/" + alice.userId() + "/" + alice.deviceId() + " HTTP/1.1\r\nHost: x\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n",
            401,
            "unauthorized"
        });

        for (Map.Entry<String, Object[]> entry : cases.entrySet()) {
            // when
            RawHttp.Reply reply = request((String) entry.getValue()[0]);

            // then
            assertProblem(entry.getKey(), reply, (Integer) entry.getValue()[1], (String) entry.getValue()[2]);
        }
        assertThat(logs.warningsAndErrors()).isEmpty();
    }
}
