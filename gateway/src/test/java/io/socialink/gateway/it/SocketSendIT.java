package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.MessageMetadata;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/** Sends over the device's WebSocket: the REST send's rules and answers, correlated by requestId. */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class SocketSendIT {

    private static GatewayApp app;
    private static KafkaTestEnv kafka;

    private Device alice1;
    private Device alice2;
    private Device bob1;
    private TestSocket socket;

    @BeforeAll
    static void start(KafkaTestEnv kafkaEnv, PostgresTestEnv postgres, RedisTestEnv redis) {
        kafka = kafkaEnv;
        app = GatewayApp.start(kafkaEnv, postgres, redis, Map.of());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @BeforeEach
    void registerDevicesAndConnect() {
        String alice = GatewayApp.unique("alice");
        alice1 = app.register(alice, 101);
        alice2 = app.register(alice, 102);
        bob1 = app.register(GatewayApp.unique("bob"), 201);
        socket = TestSocket.connect(
                app.http(), app.port, "/ws/" + alice1.userId() + "/" + alice1.deviceId(), alice1.authorization());
    }

    @AfterEach
    void closeSocket() {
        socket.close();
    }

    private static String copy(Device device, String text) {
        return "{\"userId\":\"" + device.userId() + "\",\"deviceId\":" + device.deviceId() + ",\"registrationId\":"
                + device.registrationId() + ",\"type\":3,\"content\":\""
                + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "\"}";
    }

    private static String sendBody(String destination, String key, String... copies) {
        return "{\"destination\":\"" + destination + "\",\"idempotencyKey\":\"" + key + "\",\"messages\":["
                + String.join(",", copies) + "]}";
    }

    private static String sendFrame(String requestId, String body) {
        return "{\"type\":\"send\",\"requestId\":\"" + requestId + "\"," + body.substring(1);
    }

    /** The next frame that is not a connect-time event (queue-empty, low-prekeys). */
    private JsonNode nextResult() throws InterruptedException {
        while (true) {
            JsonNode frame = socket.nextFrame();
            String type = frame.get("type").asString();
            if (type.equals("send-result") || type.equals("error")) {
                return frame;
            }
        }
    }

    private List<Delivery> deliveriesTo(Device device) {
        return KafkaRecords.readAll(kafka, Topics.DEVICE_DELIVERIES, record -> record.value()
                        .getRecipientUserId()
                        .equals(device.userId()))
                .stream()
                .map(KafkaRecords.Keyed::value)
                .toList();
    }

    private List<MessageMetadata> metadataFrom(Device sender) {
        return KafkaRecords.readAll(kafka, Topics.METADATA_MESSAGES, record -> record.value()
                        .getSenderUserId()
                        .equals(sender.userId()))
                .stream()
                .map(KafkaRecords.Keyed::value)
                .toList();
    }

    @Test
    void shouldAnswerASendFrameLikeTheRestSendAfterProducingEveryCopy() throws Exception {
        // given
        String key = UUID.randomUUID().toString();
        long before = System.currentTimeMillis();

        // when
        socket.sendText(sendFrame("r-1", sendBody(bob1.userId(), key, copy(bob1, "hi"), copy(alice2, "hi"))));

        // then
        JsonNode result = nextResult();
        assertThat(result.get("type").asString()).isEqualTo("send-result");
        assertThat(result.get("requestId").asString()).isEqualTo("r-1");
        assertThat(result.get("status").asInt()).isEqualTo(201);
        String messageId = result.get("messageId").asString();
        assertThat(messageId)
                .isEqualTo(UUID.nameUUIDFromBytes((alice1.userId() + ".1:" + key).getBytes(StandardCharsets.UTF_8))
                        .toString());
        assertThat(result.get("sentAt").asLong()).isBetween(before, System.currentTimeMillis());
        assertThat(result.get("deviceCount").asInt()).isEqualTo(2);
        assertThat(deliveriesTo(bob1)).singleElement().satisfies(delivery -> {
            assertThat(delivery.getMessageId()).isEqualTo(messageId);
            assertThat(delivery.getSenderUserId()).isEqualTo(alice1.userId());
            assertThat(delivery.getSenderDeviceId()).isEqualTo(alice1.deviceId());
        });
        assertThat(deliveriesTo(alice2)).hasSize(1);
        assertThat(metadataFrom(alice1)).hasSize(2);
    }

    @Test
    void shouldShareIdempotencyWithRestSends() throws Exception {
        // given a message sent over REST
        String key = UUID.randomUUID().toString();
        String body = sendBody(bob1.userId(), key, copy(bob1, "once"), copy(alice2, "once"));
        Response rest = app.post("/api/v1/messages/send/" + alice1.userId(), alice1.authorization(), body);
        assertThat(rest.status()).as(rest.body()).isEqualTo(201);

        // when the same send comes again over the socket, and then another body under the same key
        socket.sendText(sendFrame("again", body));
        JsonNode retry = nextResult();
        socket.sendText(sendFrame("other", sendBody(bob1.userId(), key, copy(bob1, "else"), copy(alice2, "else"))));
        JsonNode reused = nextResult();

        // then the retry has the REST answer, the other body is refused, and nothing was produced again
        assertThat(retry.get("status").asInt()).isEqualTo(201);
        assertThat(retry.get("messageId").asString())
                .isEqualTo(rest.json().get("messageId").asString());
        assertThat(retry.get("sentAt").asLong())
                .isEqualTo(rest.json().get("sentAt").asLong());
        assertThat(reused.get("requestId").asString()).isEqualTo("other");
        assertThat(reused.get("status").asInt()).isEqualTo(422);
        assertThat(reused.get("problem").get("type").asString())
                .isEqualTo("https://socialink.io/problems/idempotency-key-reused");
        assertThat(deliveriesTo(bob1)).hasSize(1);
    }

    @Test
    void shouldAnswerADeviceMismatchWithItsListsAndProduceNothing() throws Exception {
        // when a send misses alice's second device and names a device bob does not have
        socket.sendText(sendFrame(
                "mismatch",
                sendBody(
                        bob1.userId(),
                        "k",
                        copy(bob1, "x"),
                        "{\"userId\":\"" + bob1.userId() + "\",\"deviceId\":9,\"registrationId\":1,\"type\":3,"
                                + "\"content\":\"eA==\"}")));

        // then
        JsonNode result = nextResult();
        assertThat(result.get("status").asInt()).isEqualTo(409);
        JsonNode problem = result.get("problem");
        assertThat(problem.get("type").asString()).isEqualTo("https://socialink.io/problems/device-mismatch");
        assertThat(problem.get("status").asInt()).isEqualTo(409);
        assertThat(problem.get("mismatches").toString())
                .isEqualTo("[{\"userId\":\"" + bob1.userId() + "\",\"missingDevices\":[],\"extraDevices\":[9]},"
                        + "{\"userId\":\"" + alice1.userId() + "\",\"missingDevices\":[2],\"extraDevices\":[]}]");
        assertThat(deliveriesTo(bob1)).isEmpty();
        assertThat(metadataFrom(alice1)).isEmpty();
    }

    @Test
    void shouldRefuseAMalformedSendWith400AndKeepTheSocketOpen() throws Exception {
        // when a send has a blank string where a number belongs, and another has no requestId
        socket.sendText(sendFrame(
                "blank-timer",
                "{\"destination\":\"" + bob1.userId() + "\",\"idempotencyKey\":\"k\",\"expiresInSeconds\":\" \","
                        + "\"messages\":[" + copy(bob1, "x") + "," + copy(alice2, "x") + "]}"));
        JsonNode malformed = nextResult();
        socket.sendText("{\"type\":\"send\",\"destination\":\"" + bob1.userId() + "\"}");
        JsonNode noRequestId = nextResult();
        socket.sendText(sendFrame(
                "bad-base64",
                sendBody(
                        bob1.userId(),
                        "k2",
                        "{\"userId\":\"" + bob1.userId()
                                + "\",\"deviceId\":1,\"registrationId\":201,\"type\":3,\"content\":\"!!\"}")));
        JsonNode badContent = nextResult();

        // then
        assertThat(malformed.get("requestId").asString()).isEqualTo("blank-timer");
        assertThat(malformed.get("status").asInt()).isEqualTo(400);
        assertThat(malformed.get("problem").get("type").asString())
                .isEqualTo("https://socialink.io/problems/bad-request");
        assertThat(noRequestId.get("type").asString()).isEqualTo("error");
        assertThat(noRequestId.get("code").asString()).isEqualTo("bad-frame");
        assertThat(badContent.get("requestId").asString()).isEqualTo("bad-base64");
        assertThat(badContent.get("status").asInt()).isEqualTo(400);
        assertThat(badContent.get("problem").get("detail").asString()).contains("base64");
        assertThat(deliveriesTo(bob1)).isEmpty();
    }

    @Test
    void shouldProducePipelinedSendsInTheOrderOfTheirFrames() throws Exception {
        // when 40 sends are written without waiting for their results
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String key = "order-" + i + "-" + UUID.randomUUID();
            keys.add(key);
            socket.sendText(
                    sendFrame("p" + i, sendBody(bob1.userId(), key, copy(bob1, "m" + i), copy(alice2, "m" + i))));
        }
        List<String> requestIds = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            JsonNode result = nextResult();
            assertThat(result.get("status").asInt()).as(result.toString()).isEqualTo(201);
            requestIds.add(result.get("requestId").asString());
        }

        // then every one was answered, in frame order, and bob's copies are in his partition in that order
        assertThat(requestIds)
                .containsExactlyElementsOf(
                        keys.stream().map(key -> "p" + key.split("-")[1]).toList());
        assertThat(deliveriesTo(bob1))
                .extracting(delivery ->
                        StandardCharsets.UTF_8.decode(delivery.getContent()).toString())
                .containsExactlyElementsOf(
                        keys.stream().map(key -> "m" + key.split("-")[1]).toList());
    }
}
