package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.MessageEventType;
import io.socialink.schemas.avro.MessageMetadata;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class SendIT {

    private static GatewayApp app;
    private static KafkaTestEnv kafka;

    private Device alice1;
    private Device alice2;
    private Device bob1;
    private Device bob2;

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
    void registerDevices() {
        String alice = GatewayApp.unique("alice");
        String bob = GatewayApp.unique("bob");
        alice1 = app.register(alice, 101);
        alice2 = app.register(alice, 102);
        bob1 = app.register(bob, 201);
        bob2 = app.register(bob, 202);
    }

    private static String copy(Device device, int registrationId, String content) {
        return "{\"userId\":\"" + device.userId() + "\",\"deviceId\":" + device.deviceId() + ",\"registrationId\":"
                + registrationId + ",\"type\":3,\"content\":\"" + content + "\"}";
    }

    private static String copy(Device device, String content) {
        return copy(device, device.registrationId(), content);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sendBody(String destination, String key, String... copies) {
        return "{\"destination\":\"" + destination + "\",\"idempotencyKey\":\"" + key + "\",\"messages\":["
                + String.join(",", copies) + "]}";
    }

    private static Response send(Device sender, String body) {
        return app.post("/api/v1/messages/send/" + sender.userId(), sender.authorization(), body);
    }

    /** Every delivery and metadata record that involves the test's users. */
    private List<KafkaRecords.Keyed<Delivery>> deliveriesOfTestUsers() {
        return KafkaRecords.readAll(
                kafka,
                Topics.DEVICE_DELIVERIES,
                record -> record.value().getSenderUserId().equals(alice1.userId())
                        || record.value().getRecipientUserId().equals(bob1.userId()));
    }

    private List<KafkaRecords.Keyed<MessageMetadata>> metadataOfTestUsers() {
        return KafkaRecords.readAll(
                kafka,
                Topics.METADATA_MESSAGES,
                record -> record.value().getSenderUserId().equals(alice1.userId())
                        || record.value().getRecipientUserId().equals(bob1.userId()));
    }

    private void assertNothingProduced() {
        assertThat(deliveriesOfTestUsers()).isEmpty();
        assertThat(metadataOfTestUsers()).isEmpty();
    }

    private static void assertProblem(Response response, int status, String name) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.problemType()).isEqualTo("https://socialink.io/problems/" + name);
    }

    @Test
    void shouldProduceOneDeliveryAndOneSentMetadataPerCopyBeforeAnswering() {
        // given
        String content = base64("ciphertext-1");
        String key = UUID.randomUUID().toString();
        long before = System.currentTimeMillis();

        // when
        Response response = send(
                alice1, sendBody(bob1.userId(), key, copy(bob1, content), copy(bob2, content), copy(alice2, content)));

        // then
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        String messageId = response.json().get("messageId").asString();
        long sentAt = response.json().get("sentAt").asLong();
        assertThat(messageId)
                .isEqualTo(UUID.nameUUIDFromBytes((alice1.userId() + ".1:" + key).getBytes(StandardCharsets.UTF_8))
                        .toString());
        assertThat(sentAt).isBetween(before, System.currentTimeMillis());
        assertThat(response.json().get("deviceCount").asInt()).isEqualTo(3);

        List<KafkaRecords.Keyed<Delivery>> deliveries = deliveriesOfTestUsers();
        assertThat(deliveries)
                .extracting(KafkaRecords.Keyed::key)
                .containsExactlyInAnyOrder(bob1.address(), bob2.address(), alice2.address());
        assertThat(deliveries).allSatisfy(record -> {
            Delivery delivery = record.value();
            assertThat(delivery.getMessageId()).isEqualTo(messageId);
            assertThat(delivery.getSenderUserId()).isEqualTo(alice1.userId());
            assertThat(delivery.getSenderDeviceId()).isEqualTo(1);
            assertThat(record.key()).isEqualTo(delivery.getRecipientUserId() + "." + delivery.getRecipientDeviceId());
            assertThat(delivery.getSentAt().toEpochMilli()).isEqualTo(sentAt);
            assertThat(delivery.getCiphertextType()).isEqualTo(3);
            assertThat(StandardCharsets.UTF_8.decode(delivery.getContent()).toString())
                    .isEqualTo("ciphertext-1");
            assertThat(delivery.getExpiresAt()).isNull();
        });

        List<KafkaRecords.Keyed<MessageMetadata>> metadata = metadataOfTestUsers();
        assertThat(metadata).hasSize(3).allSatisfy(record -> {
            assertThat(record.key()).isEqualTo(messageId);
            assertThat(record.value().getEvent()).isEqualTo(MessageEventType.SENT);
            assertThat(record.value().getCiphertextBytes()).isEqualTo("ciphertext-1".length());
        });
        assertThat(metadata)
                .extracting(record -> record.value().getRecipientUserId() + "."
                        + record.value().getRecipientDeviceId())
                .containsExactlyInAnyOrder(bob1.address(), bob2.address(), alice2.address());
    }

    @Test
    void shouldAnswerARetryWithTheSameResponseAndProduceNothingNew() throws InterruptedException {
        // given
        String key = UUID.randomUUID().toString();
        String body = sendBody(
                bob1.userId(), key, copy(bob1, base64("x")), copy(bob2, base64("x")), copy(alice2, base64("x")));
        Response first = send(alice1, body);
        Thread.sleep(20);

        // when
        Response retry = send(alice1, body);

        // then
        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.json()).isEqualTo(first.json());
        assertThat(deliveriesOfTestUsers()).hasSize(3);
        assertThat(metadataOfTestUsers()).hasSize(3);
    }

    @Test
    void shouldRefuseAKeyReusedWithADifferentBodyAndProduceNothingNew() {
        // given
        String key = UUID.randomUUID().toString();
        Response first = send(
                alice1,
                sendBody(
                        bob1.userId(),
                        key,
                        copy(bob1, base64("first")),
                        copy(bob2, base64("first")),
                        copy(alice2, base64("first"))));

        // when the same key comes with another message
        Response reused = send(
                alice1,
                sendBody(
                        bob1.userId(),
                        key,
                        copy(bob1, base64("second")),
                        copy(bob2, base64("second")),
                        copy(alice2, base64("second"))));
        Response sameAgain = send(
                alice1,
                sendBody(
                        bob1.userId(),
                        key,
                        copy(bob1, base64("first")),
                        copy(bob2, base64("first")),
                        copy(alice2, base64("first"))));

        // then
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertProblem(reused, 422, "idempotency-key-reused");
        assertThat(sameAgain.status()).isEqualTo(201);
        assertThat(sameAgain.json()).isEqualTo(first.json());
        assertThat(deliveriesOfTestUsers()).hasSize(3).allSatisfy(record -> assertThat(StandardCharsets.UTF_8
                        .decode(record.value().getContent())
                        .toString())
                .isEqualTo("first"));
        assertThat(metadataOfTestUsers()).hasSize(3);
    }

    @Test
    void shouldAcceptACorrectedSendUnderTheKeyOfARefusedOne() {
        // given a send refused for a missing device
        String key = UUID.randomUUID().toString();
        Response refused =
                send(alice1, sendBody(bob1.userId(), key, copy(bob1, base64("x")), copy(alice2, base64("x"))));

        // when the client corrects its device list and retries with the same key
        Response corrected = send(
                alice1,
                sendBody(
                        bob1.userId(),
                        key,
                        copy(bob1, base64("x")),
                        copy(bob2, base64("x")),
                        copy(alice2, base64("x"))));

        // then
        assertProblem(refused, 409, "device-mismatch");
        assertThat(corrected.status()).as(corrected.body()).isEqualTo(201);
        assertThat(deliveriesOfTestUsers()).hasSize(3);
    }

    @Test
    void shouldSendNoteToSelfToTheSendersOtherDevicesOnly() {
        // when
        Response response = send(alice1, sendBody(alice1.userId(), "note-1", copy(alice2, base64("note"))));

        // then
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        assertThat(response.json().get("deviceCount").asInt()).isEqualTo(1);
        assertThat(deliveriesOfTestUsers()).extracting(KafkaRecords.Keyed::key).containsExactly(alice2.address());
    }

    @Test
    void shouldRejectMissingAndExtraDevicesWithTheirListsAndProduceNothing() {
        // when
        Response response = send(
                alice1,
                sendBody(
                        bob1.userId(),
                        "k",
                        copy(bob1, base64("x")),
                        "{\"userId\":\"" + bob1.userId() + "\",\"deviceId\":9,\"registrationId\":1,\"type\":3,"
                                + "\"content\":\"eA==\"}"));

        // then
        assertProblem(response, 409, "device-mismatch");
        assertThat(response.json().get("mismatches").toString())
                .isEqualTo("[{\"userId\":\"" + bob1.userId() + "\",\"missingDevices\":[2],\"extraDevices\":[9]},"
                        + "{\"userId\":\"" + alice1.userId() + "\",\"missingDevices\":[2],\"extraDevices\":[]}]");
        assertNothingProduced();
    }

    @Test
    void shouldRejectStaleRegistrationIdsAndProduceNothing() {
        // when
        Response response = send(
                alice1,
                sendBody(
                        bob1.userId(),
                        "k",
                        copy(bob1, base64("x")),
                        copy(bob2, 999, base64("x")),
                        copy(alice2, base64("x"))));

        // then
        assertProblem(response, 410, "stale-devices");
        assertThat(response.json().get("stale").toString())
                .isEqualTo("[{\"userId\":\"" + bob1.userId() + "\",\"staleDevices\":[2]}]");
        assertNothingProduced();
    }

    @Test
    void shouldRejectAnUnknownDestination() {
        // given
        String nobody = GatewayApp.unique("nobody");

        // when
        Response response = send(
                alice1,
                sendBody(
                        nobody,
                        "k",
                        "{\"userId\":\"" + nobody
                                + "\",\"deviceId\":1,\"registrationId\":1,\"type\":3,\"content\":\"eA==\"}"));

        // then
        assertProblem(response, 404, "unknown-user");
        assertNothingProduced();
    }

    @Test
    void shouldRejectACopyOver96KibAndProduceNothing() {
        // given
        String large = Base64.getEncoder().encodeToString(new byte[96 * 1024 + 1]);
        String limit = Base64.getEncoder().encodeToString(new byte[96 * 1024]);

        // when
        Response response =
                send(alice1, sendBody(bob1.userId(), "big", copy(bob1, large), copy(bob2, limit), copy(alice2, limit)));

        // then
        assertProblem(response, 413, "payload-too-large");
        assertNothingProduced();
    }

    @Test
    void shouldRejectABodyOver4MibWithoutAServerError() {
        // given
        String huge = "A".repeat(4 * 1024 * 1024 + 16);

        // when
        Response response = send(alice1, sendBody(bob1.userId(), "huge", copy(bob1, huge)));

        // then
        assertProblem(response, 413, "payload-too-large");
        assertNothingProduced();
    }

    @Test
    void shouldRejectMalformedRequestsAndProduceNothing() {
        // given
        String carol = GatewayApp.unique("carol");
        String x = base64("x");

        // when
        List<Response> responses = List.of(
                send(alice1, "{\"destination\":"),
                send(alice1, "[]"),
                send(alice1, sendBody(bob1.userId(), "k", copy(bob1, "not-base64!"), copy(bob2, x), copy(alice2, x))),
                send(
                        alice1,
                        sendBody(bob1.userId(), "k", copy(bob1, x), copy(bob1, x), copy(bob2, x), copy(alice2, x))),
                send(
                        alice1,
                        sendBody(
                                bob1.userId(),
                                "k",
                                copy(bob1, x),
                                copy(bob2, x),
                                copy(alice2, x),
                                "{\"userId\":\"" + carol + "\",\"deviceId\":1,\"registrationId\":1,\"type\":3,"
                                        + "\"content\":\"eA==\"}")),
                send(
                        alice1,
                        "{\"destination\":\"" + bob1.userId() + "\",\"idempotencyKey\":\"k\",\"messages\":[],"
                                + "\"expiresAt\":1}"),
                send(alice1, sendBody(bob1.userId(), "", copy(bob1, x))),
                send(alice1, sendBody(bob1.userId(), "x".repeat(65), copy(bob1, x))),
                send(alice1, "{\"destination\":\"" + bob1.userId() + "\",\"idempotencyKey\":\"k\"}"));

        // then
        for (Response response : responses) {
            assertProblem(response, 400, "bad-request");
        }
        assertNothingProduced();
    }

    @Test
    void shouldForbidSendingAsAnotherUser() {
        // when
        Response response = app.post(
                "/api/v1/messages/send/" + bob1.userId(),
                alice1.authorization(),
                sendBody(alice1.userId(), "k", copy(alice1, base64("x")), copy(alice2, base64("x"))));

        // then
        assertProblem(response, 403, "forbidden");
        assertNothingProduced();
    }
}
