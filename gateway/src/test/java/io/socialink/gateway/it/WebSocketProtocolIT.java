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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * RFC 6455 violations close the socket with the close code the RFC names, and neither they nor bad client frames
 * are logged above debug; all of them are counted.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class WebSocketProtocolIT {

    private static GatewayApp app;
    private static LogCapture logs;

    private Device device;
    private String path;

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

    @BeforeEach
    void registerDevice() {
        device = app.register(GatewayApp.unique("ws"), 5);
        path = "/ws/" + device.userId() + "/" + device.deviceId();
        logs.warningsAndErrors();
    }

    private static double clientErrors(String kind) {
        return app.bean(MeterRegistry.class).find(GatewayMetrics.CLIENT_ERRORS).tag("kind", kind).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    private int closeCodeAfter(int firstByte, byte[] payload) throws Exception {
        try (RawWebSocket socket = RawWebSocket.connect(app.port, path, device.authorization())) {
            socket.send(firstByte, payload);
            return socket.awaitCloseCode();
        }
    }

    /** The next answer to a client frame, past frames the server sends by itself. */
    private static String reply(RawWebSocket socket) throws Exception {
        for (String text = socket.nextText().text(); ; text = socket.nextText().text()) {
            if (!text.contains("\"queue-empty\"") && !text.contains("\"low-prekeys\"")) {
                return text;
            }
        }
    }

    @Test
    @Timeout(60)
    void shouldCloseWith1007OnATextFrameThatIsNotUtf8() throws Exception {
        // given
        double before = clientErrors("websocket-protocol");

        // when
        int code = closeCodeAfter(0x80 | RawWebSocket.TEXT, new byte[] {'{', '"', (byte) 0xc3, 0x28, '"', '}'});

        // then
        assertThat(code).isEqualTo(1007);
        assertThat(clientErrors("websocket-protocol")).isGreaterThan(before);
        assertThat(logs.warningsAndErrors()).isEmpty();
    }

    @Test
    @Timeout(60)
    void shouldCloseWith1002OnReservedBitsWithoutAnExtension() throws Exception {
        // when
        int code = closeCodeAfter(
                0x80 | RawWebSocket.RSV1 | RawWebSocket.TEXT, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));

        // then
        assertThat(code).isEqualTo(1002);
        assertThat(logs.warningsAndErrors()).isEmpty();
    }

    @Test
    @Timeout(60)
    void shouldCloseWith1002OnAnInvalidCloseCode() throws Exception {
        for (int invalid : new int[] {999, 1005, 1006, 1015, 2999}) {
            // when
            int code = closeCodeAfter(0x80 | RawWebSocket.CLOSE, new byte[] {(byte) (invalid >>> 8), (byte) invalid});

            // then
            assertThat(code).as("close code %d", invalid).isEqualTo(1002);
        }
        assertThat(logs.warningsAndErrors()).isEmpty();
    }

    @Test
    @Timeout(60)
    void shouldAnswerBadFramesWithErrorFramesCountedAndNotLogged() throws Exception {
        // given
        double before = clientErrors("websocket-frame");

        try (RawWebSocket socket = RawWebSocket.connect(app.port, path, device.authorization())) {
            for (int i = 0; i < 20; i++) {
                // when
                socket.sendText(i % 2 == 0 ? "not json" : "{\"type\":\"ack\",\"messageIds\":[1]}");
                socket.send(0x80 | RawWebSocket.BINARY, new byte[] {1, 2, 3});

                // then
                assertThat(reply(socket)).contains("\"bad-frame\"");
                assertThat(reply(socket)).contains("\"bad-frame\"");
            }
            socket.sendText("{\"type\":\"ping\",\"id\":\"still-open\"}");
            assertThat(reply(socket)).contains("still-open");
        }
        assertThat(clientErrors("websocket-frame") - before).isGreaterThanOrEqualTo(40);
        assertThat(logs.warningsAndErrors()).isEmpty();
    }
}
