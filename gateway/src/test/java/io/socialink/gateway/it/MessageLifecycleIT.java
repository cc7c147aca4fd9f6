package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.gateway.status.ProjectionRebuild;
import io.socialink.gateway.status.StatusProjector;
import io.socialink.gateway.status.StatusRepository;
import io.socialink.gateway.status.StatusRow;
import io.socialink.schemas.avro.Ack;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.MessageEventType;
import io.socialink.schemas.avro.MessageMetadata;
import io.socialink.schemas.serde.AvroSerde;
import io.socialink.schemas.topics.Topic;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.r2dbc.core.DatabaseClient;
import tools.jackson.databind.JsonNode;

/**
 * The message lifecycle endpoints and the status projection against real Kafka, Postgres and Redis. The
 * delivery-worker is not running: where it would act, the test produces what it would (DELIVERED metadata) or
 * stands in for its queue endpoint.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class MessageLifecycleIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** socialink.projection.lag-wait of this gateway: longer than the 2 s default, so the tests see it applied. */
    private static final Duration LAG_WAIT = Duration.ofMillis(2500);

    private static GatewayApp app;
    private static KafkaTestEnv kafka;
    private static HttpServer fakeWorker;
    private static volatile List<Delivery> fakeQueue = List.of();

    private Device alice1;
    private Device alice2;
    private Device bob1;
    private Device bob2;
    private Device carol1;

    @BeforeAll
    static void start(KafkaTestEnv kafkaEnv, PostgresTestEnv postgres, RedisTestEnv redis) throws IOException {
        kafka = kafkaEnv;
        fakeWorker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AvroSerde<Delivery> serde = new AvroSerde<>(Delivery.class);
        fakeWorker.createContext("/actuator/queues/", exchange -> {
            List<String> entries = fakeQueue.stream()
                    .map(delivery -> "\"" + Base64.getEncoder().encodeToString(serde.toBytes(delivery)) + "\"")
                    .toList();
            byte[] body = ("{\"entries\":[" + String.join(",", entries) + "]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        fakeWorker.start();
        app = GatewayApp.start(
                kafkaEnv,
                postgres,
                redis,
                Map.of(
                        "socialink.projection.sweep-interval",
                        "1s",
                        "socialink.projection.lag-wait",
                        LAG_WAIT.toMillis() + "ms",
                        "socialink.gateway.delivery-worker-url",
                        "http://127.0.0.1:" + fakeWorker.getAddress().getPort()));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (fakeWorker != null) {
            fakeWorker.stop(0);
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
        carol1 = app.register(GatewayApp.unique("carol"), 301);
    }

    // ---- helpers

    private static String copy(Device device) {
        return "{\"userId\":\"" + device.userId() + "\",\"deviceId\":" + device.deviceId() + ",\"registrationId\":"
                + device.registrationId() + ",\"type\":3,\"content\":\""
                + Base64.getEncoder().encodeToString("secret".getBytes(StandardCharsets.UTF_8)) + "\"}";
    }

    private String sendAliceToBob(String extra) {
        String body = "{\"destination\":\"" + bob1.userId() + "\",\"idempotencyKey\":\"" + UUID.randomUUID() + "\","
                + extra + "\"messages\":[" + copy(bob1) + "," + copy(bob2) + "," + copy(alice2) + "]}";
        Response response = app.post("/api/v1/messages/send/" + alice1.userId(), alice1.authorization(), body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("messageId").asString();
    }

    private static Response put(Device device, String path, String body) {
        HttpRequest.Builder request = app.request(path, device.authorization());
        if (body == null) {
            return app.send(request.PUT(HttpRequest.BodyPublishers.noBody()));
        }
        return app.send(
                request.header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static Response delete(Device device, String path, String body) {
        HttpRequest.Builder request = app.request(path, device.authorization());
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return app.send(request.method(
                "DELETE",
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    private static Response conversation(Device device, String with, String query) {
        return app.get(
                "/api/v1/messages/conversation/" + device.userId() + "?with=" + with + query, device.authorization());
    }

    private static JsonNode message(Device viewer, String with, String messageId) {
        for (JsonNode message : conversation(viewer, with, "").json().get("messages")) {
            if (message.get("messageId").asString().equals(messageId)) {
                return message;
            }
        }
        return null;
    }

    private static String statusOf(JsonNode message, Device recipient) {
        for (JsonNode entry : message.get("recipients")) {
            if (entry.get("userId").asString().equals(recipient.userId())
                    && entry.get("deviceId").asInt() == recipient.deviceId()) {
                return entry.get("status").asString();
            }
        }
        return null;
    }

    private static <T> T await(Supplier<T> value, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        T current = value.get();
        while (!done.test(current) && System.nanoTime() < deadline) {
            sleep(100);
            current = value.get();
        }
        return current;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the projection shows the message with all 3 copies of {@link #sendAliceToBob}. */
    private JsonNode awaitMessage(Device viewer, String with, String messageId) {
        JsonNode found = await(
                () -> message(viewer, with, messageId),
                message -> message != null && message.get("recipients").size() == 3);
        assertThat(found).as("message %s in the conversation", messageId).isNotNull();
        return found;
    }

    private static <V> void produce(Topic<String, V> topic, String key, V value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
            String name = kafka.layout().name(topic);
            producer.send(new ProducerRecord<>(
                            name,
                            topic.keySerde().serializer().serialize(name, key),
                            topic.valueSerde().serializer().serialize(name, value)))
                    .get();
        }
    }

    /** What the delivery-worker produces when {@code recipient} acks its copy. */
    private void workerDelivered(String messageId, Device recipient) throws Exception {
        produce(
                Topics.METADATA_MESSAGES,
                messageId,
                MessageMetadata.newBuilder()
                        .setMessageId(messageId)
                        .setEvent(MessageEventType.DELIVERED)
                        .setSenderUserId(alice1.userId())
                        .setSenderDeviceId(alice1.deviceId())
                        .setRecipientUserId(recipient.userId())
                        .setRecipientDeviceId(recipient.deviceId())
                        .setCiphertextBytes(6)
                        .setAt(Instant.now())
                        .build());
    }

    /** The receipt events for {@code device} with an entry about {@code target}. */
    private List<KafkaRecords.Keyed<Delivery>> receiptsFor(Device device, String target, int atLeast) {
        return KafkaRecords.await(
                kafka,
                Topics.DEVICE_DELIVERIES,
                record -> record.key().equals(device.address())
                        && record.value().getEvent() != null
                        && record.value().getEvent().getType().equals("receipt")
                        && receiptEntry(record.value(), target) != null,
                atLeast);
    }

    private static @Nullable Map<String, String> receiptEntry(Delivery receipt, String target) {
        return receipt.getEvent().getEntries().stream()
                .filter(entry -> target.equals(entry.get("targetMessageId")))
                .findFirst()
                .orElse(null);
    }

    private List<KafkaRecords.Keyed<Delivery>> eventsFor(Device device, String type, String target, int atLeast) {
        return KafkaRecords.await(
                kafka,
                Topics.DEVICE_DELIVERIES,
                record -> record.key().equals(device.address())
                        && record.value().getEvent() != null
                        && record.value().getEvent().getType().equals(type)
                        && target.equals(
                                record.value().getEvent().getAttributes().get("targetMessageId")),
                atLeast);
    }

    private List<KafkaRecords.Keyed<MessageMetadata>> metadataOf(String messageId, MessageEventType event) {
        return KafkaRecords.readAll(
                kafka,
                Topics.METADATA_MESSAGES,
                record -> record.key().equals(messageId) && record.value().getEvent() == event);
    }

    private static void assertProblem(Response response, int status, String name) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.problemType()).isEqualTo("https://socialink.io/problems/" + name);
    }

    // ---- projection and conversation

    @Test
    void shouldShowEveryCopyAsSentInBothSidesConversation() {
        // when
        String messageId = sendAliceToBob("");

        // then
        JsonNode seenByAlice = awaitMessage(alice1, bob1.userId(), messageId);
        assertThat(seenByAlice.get("sender").get("deviceId").asInt()).isEqualTo(alice1.deviceId());
        assertThat(statusOf(seenByAlice, bob1)).isEqualTo("sent");
        assertThat(statusOf(seenByAlice, alice2)).isEqualTo("sent");
        assertThat(seenByAlice.toString()).doesNotContain("content").doesNotContain("c2VjcmV0");
        assertThat(awaitMessage(bob2, alice1.userId(), messageId)).isNotNull();
        assertThat(message(carol1, alice1.userId(), messageId)).isNull();
    }

    @Test
    void shouldPageTheConversationNewestFirst() {
        // given
        String first = sendAliceToBob("");
        String second = sendAliceToBob("");
        String third = sendAliceToBob("");
        awaitMessage(alice1, bob1.userId(), first);
        awaitMessage(alice1, bob1.userId(), third);

        // when
        JsonNode page1 = conversation(alice1, bob1.userId(), "&limit=2").json();
        JsonNode page2 = conversation(
                        alice1,
                        bob1.userId(),
                        "&limit=2&before=" + page1.get("nextBefore").asLong())
                .json();

        // then
        assertThat(page1.get("messages"))
                .extracting(node -> node.get("messageId").asString())
                .containsExactly(third, second);
        assertThat(page2.get("messages"))
                .extracting(node -> node.get("messageId").asString())
                .containsExactly(first);
        assertThat(page2.get("nextBefore").isNull()).isTrue();
    }

    @Test
    void shouldRejectPageSizesAndCursorsOutOfRange() {
        for (String query : List.of("&limit=0", "&limit=101", "&limit=x", "&before=-1", "&before=soon")) {
            assertProblem(conversation(alice1, bob1.userId(), query), 400, "bad-request");
        }
        assertProblem(
                app.get("/api/v1/messages/conversation/" + alice1.userId(), alice1.authorization()),
                400,
                "bad-request");
        assertProblem(conversation(alice1, bob1.userId() + "/../x", ""), 400, "bad-request");
        assertProblem(
                app.get(
                        "/api/v1/messages/conversation/" + bob1.userId() + "?with=" + alice1.userId(),
                        alice1.authorization()),
                403,
                "forbidden");
    }

    // ---- receipts

    @Test
    void shouldFanADeliveredStatusOutToEverySenderDeviceAsAReceipt() throws Exception {
        // given
        String messageId = sendAliceToBob("");
        awaitMessage(alice1, bob1.userId(), messageId);

        // when
        workerDelivered(messageId, bob1);

        // then
        for (Device senderDevice : List.of(alice1, alice2)) {
            List<KafkaRecords.Keyed<Delivery>> receipts = receiptsFor(senderDevice, messageId, 1);
            assertThat(receipts).singleElement().satisfies(record -> {
                assertThat(receiptEntry(record.value(), messageId))
                        .containsEntry("status", "delivered")
                        .containsEntry("userId", bob1.userId())
                        .containsEntry("deviceId", Integer.toString(bob1.deviceId()))
                        .containsKey("at");
                assertThat(record.value().getEphemeral()).isFalse();
                assertThat(record.value().getMessageId()).isNotEqualTo(messageId);
            });
        }
        JsonNode message = await(
                () -> message(alice1, bob1.userId(), messageId), found -> "delivered".equals(statusOf(found, bob1)));
        assertThat(statusOf(message, bob1)).isEqualTo("delivered");
        assertThat(statusOf(message, bob2)).isEqualTo("sent");
    }

    @Test
    void shouldTurnARestDeliveredReceiptIntoAnAckOfTheCallerDevice() {
        // given
        String messageId = sendAliceToBob("");
        awaitMessage(bob1, alice1.userId(), messageId);

        // when
        Response response = put(bob1, "/api/v1/messages/delivered/" + bob1.userId() + "/" + messageId, null);

        // then
        assertThat(response.status()).as(response.body()).isEqualTo(204);
        List<KafkaRecords.Keyed<Ack>> acks = KafkaRecords.await(
                kafka, Topics.DEVICE_ACKS, record -> record.key().equals(bob1.address()), 1);
        assertThat(acks).singleElement().satisfies(record -> {
            assertThat(record.value().getMessageIds()).containsExactly(messageId);
            assertThat(record.value().getConnectionId()).isNull();
        });
    }

    @Test
    void shouldRecordAReadReceiptAndFanItOut() {
        // given
        String messageId = sendAliceToBob("");
        awaitMessage(bob2, alice1.userId(), messageId);

        // when
        Response response = put(bob2, "/api/v1/messages/read/" + bob2.userId() + "/" + messageId, null);

        // then
        assertThat(response.status()).as(response.body()).isEqualTo(204);
        assertThat(receiptsFor(alice2, messageId, 1)).singleElement().satisfies(record -> assertThat(
                        receiptEntry(record.value(), messageId))
                .containsEntry("status", "read")
                .containsEntry("deviceId", Integer.toString(bob2.deviceId())));
        JsonNode message =
                await(() -> message(alice1, bob1.userId(), messageId), found -> "read".equals(statusOf(found, bob2)));
        assertThat(statusOf(message, bob2)).isEqualTo("read");
    }

    @Test
    void shouldRecordNoReadStatusWhenTheReaderTurnedReadReceiptsOff() {
        // given
        Response off = put(bob1, "/api/v1/settings/" + bob1.userId(), "{\"readReceipts\":false}");
        String messageId = sendAliceToBob("");
        awaitMessage(bob1, alice1.userId(), messageId);

        // when
        Response response = put(bob1, "/api/v1/messages/read/" + bob1.userId() + "/" + messageId, null);

        // then
        assertThat(off.status()).as(off.body()).isEqualTo(200);
        assertThat(app.get("/api/v1/settings/" + bob1.userId(), bob1.authorization())
                        .json()
                        .get("readReceipts")
                        .asBoolean())
                .isFalse();
        assertThat(response.status()).isEqualTo(204);
        sleep(500);
        assertThat(metadataOf(messageId, MessageEventType.READ)).isEmpty();
        assertThat(statusOf(message(alice1, bob1.userId(), messageId), bob1)).isEqualTo("sent");
    }

    @Test
    void shouldRejectReceiptsForMessagesTheDeviceDidNotReceive() {
        // given
        String messageId = sendAliceToBob("");
        awaitMessage(bob1, alice1.userId(), messageId);

        // when
        Response stranger = put(carol1, "/api/v1/messages/read/" + carol1.userId() + "/" + messageId, null);
        Response unknown = put(bob1, "/api/v1/messages/delivered/" + bob1.userId() + "/" + UUID.randomUUID(), null);
        Response ownMessage = put(alice1, "/api/v1/messages/read/" + alice1.userId() + "/" + messageId, null);
        Response malformed = put(bob1, "/api/v1/messages/read/" + bob1.userId() + "/not-a-uuid", null);
        Response foreignPath = put(bob1, "/api/v1/messages/read/" + alice1.userId() + "/" + messageId, null);
        Response badSettings = put(bob1, "/api/v1/settings/" + bob1.userId(), "{\"readReceipts\":\"maybe\"}");

        // then
        assertProblem(stranger, 404, "unknown-message");
        assertProblem(unknown, 404, "unknown-message");
        assertProblem(ownMessage, 404, "unknown-message");
        assertProblem(malformed, 400, "bad-request");
        assertProblem(foreignPath, 403, "forbidden");
        assertProblem(badSettings, 400, "bad-request");
        assertThat(metadataOf(messageId, MessageEventType.READ)).isEmpty();
        assertThat(KafkaRecords.readAll(
                        kafka,
                        Topics.DEVICE_ACKS,
                        record -> record.key().equals(bob1.address())
                                || record.key().equals(carol1.address())))
                .isEmpty();
    }

    @Test
    void shouldAcceptAReceiptWhoseCopyReachesTheProjectionWhileItWaits() throws Exception {
        // given: a message whose SENT metadata the projection has not seen yet
        String messageId = UUID.randomUUID().toString();
        CompletableFuture<Response> receipt = CompletableFuture.supplyAsync(
                () -> put(bob1, "/api/v1/messages/delivered/" + bob1.userId() + "/" + messageId, null));
        sleep(LAG_WAIT.toMillis() / 5);

        // when: the copy's row arrives within the lag wait
        produce(
                Topics.METADATA_MESSAGES,
                messageId,
                MessageMetadata.newBuilder()
                        .setMessageId(messageId)
                        .setEvent(MessageEventType.SENT)
                        .setSenderUserId(alice1.userId())
                        .setSenderDeviceId(alice1.deviceId())
                        .setRecipientUserId(bob1.userId())
                        .setRecipientDeviceId(bob1.deviceId())
                        .setCiphertextBytes(6)
                        .setAt(Instant.now())
                        .build());

        // then
        Response response = receipt.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(response.status()).as(response.body()).isEqualTo(204);
        assertThat(KafkaRecords.await(
                        kafka, Topics.DEVICE_ACKS, record -> record.key().equals(bob1.address()), 1))
                .singleElement()
                .satisfies(record -> assertThat(record.value().getMessageIds()).containsExactly(messageId));
    }

    @Test
    void shouldAnswerAReceiptForAnUnknownMessageOnlyAfterTheLagWait() {
        // given
        String unknown = UUID.randomUUID().toString();

        // when
        long start = System.nanoTime();
        Response response = put(bob1, "/api/v1/messages/read/" + bob1.userId() + "/" + unknown, null);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        // then: the configured wait, not the default, ran out first
        assertProblem(response, 404, "unknown-message");
        assertThat(took).isGreaterThanOrEqualTo(LAG_WAIT);
    }

    // ---- delete

    @Test
    void shouldDeleteForEveryoneWithADeleteEventToEveryOtherDeviceOfBothSides() {
        // given
        String messageId = sendAliceToBob("");
        awaitMessage(alice1, bob1.userId(), messageId);

        // when
        Response byRecipient =
                delete(bob1, "/api/v1/messages/delete/" + bob1.userId() + "/" + messageId + "?for=everyone", null);
        Response bySender =
                delete(alice1, "/api/v1/messages/delete/" + alice1.userId() + "/" + messageId + "?for=everyone", null);

        // then
        assertProblem(byRecipient, 403, "forbidden");
        assertThat(bySender.status()).as(bySender.body()).isEqualTo(204);
        for (Device device : List.of(bob1, bob2, alice2)) {
            assertThat(eventsFor(device, "delete", messageId, 1))
                    .as(device.address())
                    .hasSize(1);
        }
        assertThat(KafkaRecords.readAll(
                        kafka, Topics.DEVICE_DELIVERIES, record -> record.key().equals(alice1.address())))
                .isEmpty();
        assertThat(metadataOf(messageId, MessageEventType.DELETED))
                .hasSize(3)
                .allSatisfy(record -> assertThat(record.value().getReason()).isEqualTo("for-everyone"));
        JsonNode message = await(
                () -> message(bob1, alice1.userId(), messageId),
                found -> found != null && found.get("deleted").asBoolean());
        assertThat(message.get("deleted").asBoolean()).isTrue();
    }

    @Test
    void shouldHideADeletedForMeMessageOnlyForTheCaller() {
        // given
        String messageId = sendAliceToBob("");
        awaitMessage(bob1, alice1.userId(), messageId);

        // when
        Response response =
                delete(bob1, "/api/v1/messages/delete/" + bob1.userId() + "/" + messageId + "?for=me", null);

        // then
        assertThat(response.status()).as(response.body()).isEqualTo(204);
        assertThat(eventsFor(bob2, "delete", messageId, 1)).singleElement().satisfies(record -> assertThat(
                        record.value().getEvent().getAttributes())
                .containsEntry("scope", "me"));
        JsonNode hidden = await(() -> message(bob1, alice1.userId(), messageId), java.util.Objects::isNull);
        assertThat(hidden).isNull();
        assertThat(message(alice1, bob1.userId(), messageId)).isNotNull();
    }

    @Test
    void shouldRejectDeletesOfUnknownOrForeignMessages() {
        // given
        String messageId = sendAliceToBob("");
        awaitMessage(alice1, bob1.userId(), messageId);

        // when
        Response foreign =
                delete(carol1, "/api/v1/messages/delete/" + carol1.userId() + "/" + messageId + "?for=me", null);
        Response unknown = delete(alice1, "/api/v1/messages/delete/" + alice1.userId() + "/" + UUID.randomUUID(), null);
        Response badScope =
                delete(alice1, "/api/v1/messages/delete/" + alice1.userId() + "/" + messageId + "?for=them", null);

        // then
        assertProblem(foreign, 404, "unknown-message");
        assertProblem(unknown, 404, "unknown-message");
        assertProblem(badScope, 400, "bad-request");
        assertThat(metadataOf(messageId, MessageEventType.DELETED)).isEmpty();
    }

    // ---- disappearing messages and Note to Self

    @Test
    void shouldCarryTheTimerInEveryCopyAndRemoveTheRowsAtExpiry() {
        // given
        long before = System.currentTimeMillis();

        // when
        String messageId = sendAliceToBob("\"expiresInSeconds\":3,");

        // then
        List<KafkaRecords.Keyed<Delivery>> copies =
                KafkaRecords.readAll(kafka, Topics.DEVICE_DELIVERIES, record -> record.value()
                        .getMessageId()
                        .equals(messageId));
        assertThat(copies).hasSize(3).allSatisfy(record -> assertThat(
                        record.value().getExpiresAt().toEpochMilli())
                .isBetween(before + 3000, System.currentTimeMillis() + 3000));
        assertThat(awaitMessage(alice1, bob1.userId(), messageId)
                        .get("expiresAt")
                        .asLong())
                .isEqualTo(copies.get(0).value().getExpiresAt().toEpochMilli());
        JsonNode gone = await(() -> message(alice1, bob1.userId(), messageId), java.util.Objects::isNull);
        assertThat(gone).isNull();
        List<StatusRow> rows =
                await(() -> app.bean(StatusRepository.class).all().block(), all -> all.stream()
                        .noneMatch(row -> row.messageId().equals(messageId)));
        assertThat(rows).noneMatch(row -> row.messageId().equals(messageId));
    }

    @Test
    void shouldRejectTimersOutOfRange() {
        for (String timer : List.of("0", "-5", "2592001", "99999999999", "1.5", "\"soon\"")) {
            String body = "{\"destination\":\"" + bob1.userId() + "\",\"idempotencyKey\":\"timer-" + UUID.randomUUID()
                    + "\",\"expiresInSeconds\":" + timer + ",\"messages\":[" + copy(bob1) + "," + copy(bob2) + ","
                    + copy(alice2) + "]}";
            assertProblem(
                    app.post("/api/v1/messages/send/" + alice1.userId(), alice1.authorization(), body),
                    400,
                    "bad-request");
        }
        assertThat(KafkaRecords.readAll(kafka, Topics.DEVICE_DELIVERIES, record -> record.value()
                        .getSenderUserId()
                        .equals(alice1.userId())))
                .isEmpty();
    }

    @Test
    void shouldRecordANoteToSelfFromASingleDeviceAsDelivered() {
        // when
        Response response = app.post(
                "/api/v1/messages/send/" + carol1.userId(),
                carol1.authorization(),
                "{\"destination\":\"" + carol1.userId() + "\",\"idempotencyKey\":\"note\",\"messages\":[]}");

        // then
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        String messageId = response.json().get("messageId").asString();
        assertThat(metadataOf(messageId, MessageEventType.DELIVERED)).hasSize(1);
        JsonNode message = await(
                () -> message(carol1, carol1.userId(), messageId),
                found -> found != null && "delivered".equals(statusOf(found, carol1)));
        assertThat(statusOf(message, carol1)).isEqualTo("delivered");
    }

    // ---- queue API

    @Test
    void shouldServeTheQueueHeadAsSocketFramesAndAckByIds() {
        // given
        Delivery queued = Delivery.newBuilder()
                .setMessageId(UUID.randomUUID().toString())
                .setSenderUserId(alice1.userId())
                .setSenderDeviceId(alice1.deviceId())
                .setRecipientUserId(bob1.userId())
                .setRecipientDeviceId(bob1.deviceId())
                .setSentAt(Instant.ofEpochMilli(1_000))
                .setCiphertextType(3)
                .setContent(ByteBuffer.wrap("opaque".getBytes(StandardCharsets.UTF_8)))
                .setExpiresAt(Instant.ofEpochMilli(9_000))
                .build();
        fakeQueue = List.of(queued);

        // when
        Response head = app.get(
                "/api/v1/messages/queue/" + bob1.userId() + "/" + bob1.deviceId() + "?limit=10", bob1.authorization());
        Response ack = delete(
                bob1,
                "/api/v1/messages/queue/" + bob1.userId() + "/" + bob1.deviceId(),
                "{\"messageIds\":[\"" + queued.getMessageId() + "\"]}");

        // then
        assertThat(head.status()).as(head.body()).isEqualTo(200);
        JsonNode envelope = head.json().get("envelopes").get(0);
        assertThat(envelope.get("type").asString()).isEqualTo("envelope");
        assertThat(envelope.get("messageId").asString()).isEqualTo(queued.getMessageId());
        assertThat(envelope.get("expiresAt").asLong()).isEqualTo(9_000);
        assertThat(ack.status()).as(ack.body()).isEqualTo(204);
        assertThat(KafkaRecords.await(
                        kafka, Topics.DEVICE_ACKS, record -> record.key().equals(bob1.address()), 1))
                .singleElement()
                .satisfies(record -> {
                    assertThat(record.value().getMessageIds()).containsExactly(queued.getMessageId());
                    assertThat(record.value().getConnectionId()).isNull();
                });
    }

    @Test
    void shouldRejectQueueRequestsForOtherDevicesOrOutOfRange() {
        String own = "/api/v1/messages/queue/" + bob1.userId() + "/" + bob1.deviceId();
        assertProblem(
                app.get("/api/v1/messages/queue/" + bob1.userId() + "/" + bob2.deviceId(), bob1.authorization()),
                403,
                "forbidden");
        assertProblem(app.get(own + "?limit=0", bob1.authorization()), 400, "bad-request");
        assertProblem(app.get(own + "?limit=101", bob1.authorization()), 400, "bad-request");
        assertProblem(delete(bob1, own, "{\"messageIds\":[]}"), 400, "bad-request");
        assertProblem(delete(bob2, own, "{\"messageIds\":[\"x\"]}"), 403, "forbidden");
        assertThat(KafkaRecords.readAll(
                        kafka, Topics.DEVICE_ACKS, record -> record.key().equals(bob1.address())))
                .isEmpty();
    }

    // ---- rebuild

    @Test
    void shouldRebuildTheSameRowsFromTheMetadataTopic() throws Exception {
        // given
        String delivered = sendAliceToBob("");
        String read = sendAliceToBob("");
        String deleted = sendAliceToBob("");
        awaitMessage(alice1, bob1.userId(), deleted);
        workerDelivered(delivered, bob1);
        put(bob2, "/api/v1/messages/read/" + bob2.userId() + "/" + read, null);
        delete(alice1, "/api/v1/messages/delete/" + alice1.userId() + "/" + deleted, null);
        delete(bob1, "/api/v1/messages/delete/" + bob1.userId() + "/" + read + "?for=me", null);
        StatusRepository repository = app.bean(StatusRepository.class);
        await(
                () -> repository.all().block(),
                rows -> rows.stream().anyMatch(row -> row.deliveredAt() != null)
                        && rows.stream().anyMatch(row -> row.readAt() != null)
                        && rows.stream().filter(row -> row.deletedAt() != null).count() == 3);
        sleep(1000);
        List<StatusRow> before = repository.all().block();
        List<Map<String, Object>> hiddenBefore = hiddenRows();

        // when
        long events = app.bean(ProjectionRebuild.class).rebuild();

        // then
        assertThat(events).isGreaterThan(0);
        assertThat(repository.all().block()).isEqualTo(before);
        assertThat(hiddenRows()).isEqualTo(hiddenBefore).isNotEmpty();
    }

    @Test
    void shouldProjectAPollOfEventsAsTheSameEventsAppliedOneByOne() {
        // given: every kind of event, with repeats, out-of-order times and orders that split a batch
        StatusProjector projector = app.bean(StatusProjector.class);
        String run = UUID.randomUUID().toString();
        String batched = "batched-" + run + "-";
        String oneByOne = "one-by-one-" + run + "-";

        // when
        List<StatusRow> rows;
        List<Map<String, Object>> hidden;
        try {
            projector.applyAll(projectionEvents(batched)).block(WAIT);
            projectionEvents(oneByOne)
                    .forEach(event -> projector.applyAll(List.of(event)).block(WAIT));
            rows = app.bean(StatusRepository.class).all().block(WAIT);
            hidden = hiddenRows();
        } finally {
            // these rows are not on the metadata topic: the rebuild test must not find them
            DatabaseClient db = app.bean(DatabaseClient.class);
            for (String table : List.of("message_status", "message_hidden")) {
                db.sql("DELETE FROM " + table + " WHERE message_id LIKE $1")
                        .bind(0, "%-" + run + "-%")
                        .then()
                        .block(WAIT);
            }
        }

        // then
        List<StatusRow> fromBatch = withoutPrefix(rows, batched);
        assertThat(fromBatch)
                .isEqualTo(withoutPrefix(rows, oneByOne))
                .extracting(StatusRow::messageId)
                .containsExactly("m1", "m1", "m2", "m4");
        StatusRow first = fromBatch.get(0);
        assertThat(first.deliveredAt()).isEqualTo(Instant.ofEpochMilli(5_000_005));
        assertThat(first.readAt()).isEqualTo(Instant.ofEpochMilli(5_000_007));
        assertThat(fromBatch.get(1).droppedAt()).isEqualTo(Instant.ofEpochMilli(5_000_004));
        assertThat(fromBatch.get(1).dropReason()).isEqualTo("queue-full");
        assertThat(fromBatch.get(2).deletedAt()).isEqualTo(Instant.ofEpochMilli(5_000_009));
        assertThat(hidden.stream()
                        .filter(row -> row.get("message_id").toString().startsWith(batched)))
                .extracting(row -> row.get("user_id") + ":"
                        + row.get("message_id").toString().substring(batched.length()))
                .containsExactly("carol:m2");
        assertThat(hidden.stream()
                        .filter(row -> row.get("message_id").toString().startsWith(oneByOne)))
                .hasSize(1);
    }

    /** m1 to two devices (delivered twice, read, one copy dropped twice), m2 deleted, m3 expired, m4 sent late. */
    private static List<MessageMetadata> projectionEvents(String prefix) {
        List<MessageMetadata> events = new ArrayList<>();
        events.add(projectionEvent(prefix + "m1", MessageEventType.SENT, 1, 0, null));
        events.add(projectionEvent(prefix + "m1", MessageEventType.SENT, 2, 0, null));
        events.add(projectionEvent(prefix + "m2", MessageEventType.SENT, 1, 1, null));
        events.add(projectionEvent(prefix + "m3", MessageEventType.SENT, 1, 1, null));
        events.add(projectionEvent(prefix + "m1", MessageEventType.DELIVERED, 1, 8, null));
        events.add(projectionEvent(prefix + "m1", MessageEventType.DELIVERED, 1, 5, null));
        events.add(projectionEvent(prefix + "m1", MessageEventType.SENT, 1, 0, null));
        events.add(projectionEvent(prefix + "m1", MessageEventType.READ, 1, 7, null));
        events.add(projectionEvent(prefix + "m1", MessageEventType.DROPPED, 2, 6, "queue-full"));
        events.add(projectionEvent(prefix + "m1", MessageEventType.DROPPED, 2, 4, "redelivery-limit"));
        events.add(projectionEvent(prefix + "m4", MessageEventType.DELIVERED, 1, 3, null));
        events.add(projectionEvent(prefix + "m2", MessageEventType.DELETED, 1, 9, "for-everyone"));
        events.add(MessageMetadata.newBuilder(projectionEvent(prefix + "m2", MessageEventType.DELETED, 1, 10, "for-me"))
                .setActorUserId("carol")
                .build());
        events.add(projectionEvent(prefix + "m3", MessageEventType.DELETED, 1, 9, "for-me"));
        events.add(projectionEvent(prefix + "m3", MessageEventType.EXPIRED, 1, 11, null));
        events.add(projectionEvent(prefix + "m4", MessageEventType.SENT, 1, 2, null));
        // a disappearing message whose timer ran out before its SENT was applied leaves no row
        events.add(MessageMetadata.newBuilder(projectionEvent(prefix + "m5", MessageEventType.SENT, 1, 2, null))
                .setExpiresAt(Instant.now().minusSeconds(1))
                .build());
        return events;
    }

    private static MessageMetadata projectionEvent(
            String messageId, MessageEventType type, int device, int millis, String reason) {
        return MessageMetadata.newBuilder()
                .setMessageId(messageId)
                .setEvent(type)
                .setSenderUserId("alice")
                .setSenderDeviceId(1)
                .setRecipientUserId("bob")
                .setRecipientDeviceId(device)
                .setCiphertextBytes(10)
                .setAt(Instant.ofEpochMilli(5_000_000 + millis))
                .setReason(reason)
                .build();
    }

    private static List<StatusRow> withoutPrefix(List<StatusRow> rows, String prefix) {
        return rows.stream()
                .filter(row -> row.messageId().startsWith(prefix))
                .map(row -> new StatusRow(
                        row.messageId().substring(prefix.length()),
                        row.senderUserId(),
                        row.senderDeviceId(),
                        row.recipientUserId(),
                        row.recipientDeviceId(),
                        row.destinationUserId(),
                        row.ciphertextBytes(),
                        row.sentAt(),
                        row.expiresAt(),
                        row.deliveredAt(),
                        row.readAt(),
                        row.deletedAt(),
                        row.droppedAt(),
                        row.dropReason()))
                .toList();
    }

    private static List<Map<String, Object>> hiddenRows() {
        return new ArrayList<>(app.bean(DatabaseClient.class)
                .sql("SELECT user_id, message_id, hidden_at FROM message_hidden ORDER BY user_id, message_id")
                .fetch()
                .all()
                .collectList()
                .block());
    }
}
