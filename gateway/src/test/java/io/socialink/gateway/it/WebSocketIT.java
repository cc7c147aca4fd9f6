package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.gateway.groups.GroupPayloads;
import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.schemas.avro.Ack;
import io.socialink.schemas.avro.CloseReason;
import io.socialink.schemas.avro.ConnectionEvent;
import io.socialink.schemas.avro.ConnectionEventType;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.Push;
import io.socialink.schemas.avro.PushKind;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class WebSocketIT {

    private static final int NODE_ID = 1;

    private static GatewayApp app;
    private static KafkaTestEnv kafka;
    private static KafkaProducer<byte[], byte[]> producer;
    private static String jdbcUrl;

    private Device bob1;

    @BeforeAll
    static void start(KafkaTestEnv kafkaEnv, PostgresTestEnv postgres, RedisTestEnv redis) {
        kafka = kafkaEnv;
        jdbcUrl = postgres.jdbcUrl();
        app = GatewayApp.start(
                kafkaEnv,
                postgres,
                redis,
                Map.of("socialink.gateway.node-id", NODE_ID, "socialink.gateway.heartbeat", "1s"));
        producer = new KafkaProducer<>(kafkaEnv.producerProperties());
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @BeforeEach
    void registerDevice() {
        bob1 = app.register(GatewayApp.unique("bob"), 201);
    }

    private TestSocket connect(Device device) {
        return TestSocket.connect(
                app.http(), app.port, "/ws/" + device.userId() + "/" + device.deviceId(), device.authorization());
    }

    private List<KafkaRecords.Keyed<ConnectionEvent>> awaitConnectionEvents(
            Device device, ConnectionEventType type, int atLeast) {
        return KafkaRecords.await(
                kafka,
                Topics.DEVICE_CONNECTIONS,
                record ->
                        record.key().equals(device.address()) && record.value().getType() == type,
                atLeast);
    }

    private static void push(String address, Push push) throws Exception {
        producer.send(new ProducerRecord<>(
                        kafka.layout().name(Topics.GATEWAY_PUSH),
                        NODE_ID,
                        address.getBytes(StandardCharsets.UTF_8),
                        Topics.GATEWAY_PUSH.valueSerde().serializer().serialize("", push)))
                .get();
    }

    private static Push.Builder pushFor(String connectionId, PushKind kind) {
        return Push.newBuilder()
                .setConnectionId(connectionId)
                .setKind(kind)
                .setGatewayNode(NODE_ID)
                .setEnvelope(null);
    }

    @Test
    void shouldProduceConnectedAndDisconnectedWithNodeIncarnationAndNoRecordPerSocketInBetween() throws Exception {
        // when: a socket stays open over several heartbeat intervals (1 s here)
        TestSocket socket = connect(bob1);
        List<KafkaRecords.Keyed<ConnectionEvent>> connected =
                awaitConnectionEvents(bob1, ConnectionEventType.CONNECTED, 1);
        String incarnation = connected.get(0).value().getIncarnation();
        int partitions = kafka.layout().partitions(Topics.DEVICE_CONNECTIONS);
        List<KafkaRecords.Keyed<ConnectionEvent>> alive = KafkaRecords.await(
                kafka,
                Topics.DEVICE_CONNECTIONS,
                record -> record.key().equals(Topics.nodeAliveKey(NODE_ID))
                        && record.value().getIncarnation().equals(incarnation),
                3 * partitions);
        socket.close();
        List<KafkaRecords.Keyed<ConnectionEvent>> disconnected =
                awaitConnectionEvents(bob1, ConnectionEventType.DISCONNECTED, 1);

        // then: the socket's events name its node, its connection and the node's incarnation
        assertThat(connected).hasSize(1);
        ConnectionEvent event = connected.get(0).value();
        assertThat(event.getGatewayNode()).isEqualTo(NODE_ID);
        assertThat(event.getConnectionId()).hasSize(36);
        assertThat(incarnation).hasSize(36);
        assertThat(disconnected).hasSize(1);
        assertThat(disconnected.get(0).value().getConnectionId()).isEqualTo(event.getConnectionId());
        assertThat(disconnected.get(0).value().getIncarnation()).isEqualTo(incarnation);
        // and the node's liveness went to every partition, while the socket itself wrote nothing in between
        assertThat(alive).allSatisfy(record -> {
            assertThat(record.value().getType()).isEqualTo(ConnectionEventType.NODE_ALIVE);
            assertThat(record.value().getGatewayNode()).isEqualTo(NODE_ID);
        });
        assertThat(alive.stream().map(KafkaRecords.Keyed::partition).distinct()).hasSize(partitions);
        assertThat(KafkaRecords.await(
                        kafka,
                        Topics.DEVICE_CONNECTIONS,
                        record -> record.key().equals(bob1.address())
                                && record.value().getConnectionId().equals(event.getConnectionId()),
                        2))
                .extracting(record -> record.value().getType())
                .containsExactly(ConnectionEventType.CONNECTED, ConnectionEventType.DISCONNECTED);
    }

    @Test
    void shouldProduceAnAckWithTheConnectionIdAndAnswerPings() throws Exception {
        // given
        TestSocket socket = connect(bob1);
        String connectionId = awaitConnectionEvents(bob1, ConnectionEventType.CONNECTED, 1)
                .get(0)
                .value()
                .getConnectionId();

        // when
        socket.sendText("{\"type\":\"ack\",\"messageIds\":[\"m-1\",\"m-2\"]}");
        socket.sendText("{\"type\":\"ping\",\"id\":\"p-1\"}");
        JsonNode pong = socket.nextFrame();
        List<KafkaRecords.Keyed<Ack>> acks = KafkaRecords.await(
                kafka, Topics.DEVICE_ACKS, record -> record.key().equals(bob1.address()), 1);

        // then
        assertThat(pong.get("type").asString()).isEqualTo("pong");
        assertThat(pong.get("id").asString()).isEqualTo("p-1");
        assertThat(acks).hasSize(1);
        assertThat(acks.get(0).value().getMessageIds()).containsExactly("m-1", "m-2");
        assertThat(acks.get(0).value().getConnectionId()).isEqualTo(connectionId);
        socket.close();
    }

    @Test
    void shouldAnswerInvalidFramesWithAnErrorFrameAndStayOpen() throws Exception {
        // given
        TestSocket socket = connect(bob1);

        // when
        socket.sendText("not json");
        JsonNode error = socket.nextFrame();
        socket.sendText("{\"type\":\"ack\",\"messageIds\":[]}");
        JsonNode secondError = socket.nextFrame();
        socket.sendText("{\"type\":\"ping\",\"id\":\"still-here\"}");
        JsonNode pong = socket.nextFrame();

        // then
        assertThat(error.get("type").asString()).isEqualTo("error");
        assertThat(error.get("code").asString()).isEqualTo("bad-frame");
        assertThat(secondError.get("type").asString()).isEqualTo("error");
        assertThat(pong.get("id").asString()).isEqualTo("still-here");
        socket.close();
    }

    @Test
    void shouldWritePushesForTheLiveConnectionAndDropOthers() throws Exception {
        // given
        TestSocket socket = connect(bob1);
        String connectionId = awaitConnectionEvents(bob1, ConnectionEventType.CONNECTED, 1)
                .get(0)
                .value()
                .getConnectionId();
        Delivery delivery = Delivery.newBuilder()
                .setMessageId("11111111-2222-3333-4444-555555555555")
                .setSenderUserId("alice")
                .setSenderDeviceId(2)
                .setRecipientUserId(bob1.userId())
                .setRecipientDeviceId(1)
                .setSentAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .setCiphertextType(3)
                .setContent(ByteBuffer.wrap("sealed".getBytes(StandardCharsets.UTF_8)))
                .setExpiresAt(Instant.ofEpochMilli(1_800_000_000_000L))
                .build();

        // when
        push(
                bob1.address(),
                pushFor("some-older-connection", PushKind.ENVELOPE)
                        .setEnvelope(delivery)
                        .build());
        push(
                bob1.address(),
                pushFor(connectionId, PushKind.ENVELOPE).setEnvelope(delivery).build());
        push(bob1.address(), pushFor(connectionId, PushKind.QUEUE_EMPTY).build());
        JsonNode envelope = socket.nextFrame();
        JsonNode queueEmpty = socket.nextFrame();

        // then
        assertThat(envelope.get("type").asString()).isEqualTo("envelope");
        assertThat(envelope.get("messageId").asString()).isEqualTo("11111111-2222-3333-4444-555555555555");
        assertThat(envelope.get("sender").get("userId").asString()).isEqualTo("alice");
        assertThat(envelope.get("sender").get("deviceId").asInt()).isEqualTo(2);
        assertThat(envelope.get("ciphertextType").asInt()).isEqualTo(3);
        assertThat(envelope.get("content").asString())
                .isEqualTo(java.util.Base64.getEncoder().encodeToString("sealed".getBytes(StandardCharsets.UTF_8)));
        assertThat(envelope.get("sentAt").asLong()).isEqualTo(1_700_000_000_000L);
        assertThat(envelope.get("expiresAt").asLong()).isEqualTo(1_800_000_000_000L);
        assertThat(queueEmpty.get("type").asString()).isEqualTo("queue-empty");
        socket.close();
    }

    @Test
    void shouldRenderACopyOfAStoredPayloadFromThePayloadStoreAndDropOneWhosePayloadIsGone() throws Exception {
        // given: a Welcome-sized payload in the store, and two devices online
        byte[] welcome = new byte[300_000];
        new java.util.Random(7).nextBytes(welcome);
        String ref = GroupPayloads.ref(welcome);
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO group_payloads (ref, content, stored_at) VALUES (?, ?, now())")) {
            insert.setString(1, ref);
            insert.setBytes(2, welcome);
            insert.executeUpdate();
        }
        Device bob2 = app.register(GatewayApp.unique("bob"), 202);
        TestSocket first = connect(bob1);
        TestSocket second = connect(bob2);
        String firstConnection = awaitConnectionEvents(bob1, ConnectionEventType.CONNECTED, 1)
                .get(0)
                .value()
                .getConnectionId();
        String secondConnection = awaitConnectionEvents(bob2, ConnectionEventType.CONNECTED, 1)
                .get(0)
                .value()
                .getConnectionId();
        Delivery.Builder copy = Delivery.newBuilder()
                .setMessageId(java.util.UUID.randomUUID().toString())
                .setSenderUserId("alice")
                .setSenderDeviceId(1)
                .setRecipientUserId(bob1.userId())
                .setRecipientDeviceId(1)
                .setSentAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .setCiphertextType(12)
                .setContent(ByteBuffer.allocate(0))
                .setGroupId("Z3JvdXA")
                .setContentRef(ref);

        // when: both devices get a copy that refers to it, then bob1 one whose payload is not in the store
        push(
                bob1.address(),
                pushFor(firstConnection, PushKind.ENVELOPE)
                        .setEnvelope(copy.build())
                        .build());
        push(
                bob2.address(),
                pushFor(secondConnection, PushKind.ENVELOPE)
                        .setEnvelope(copy.setRecipientUserId(bob2.userId()).build())
                        .build());
        push(
                bob1.address(),
                pushFor(firstConnection, PushKind.ENVELOPE)
                        .setEnvelope(
                                copy.setMessageId(java.util.UUID.randomUUID().toString())
                                        .setRecipientUserId(bob1.userId())
                                        .setContentRef(GroupPayloads.ref(new byte[] {1, 2, 3}))
                                        .build())
                        .build());
        push(bob1.address(), pushFor(firstConnection, PushKind.QUEUE_EMPTY).build());
        JsonNode firstEnvelope = first.nextFrame();
        JsonNode secondEnvelope = second.nextFrame();
        JsonNode afterMissing = first.nextFrame();

        // then: each got the stored bytes as an ordinary envelope; the copy without a payload was not written
        for (JsonNode envelope : List.of(firstEnvelope, secondEnvelope)) {
            assertThat(envelope.get("type").asString()).isEqualTo("envelope");
            assertThat(envelope.get("ciphertextType").asInt()).isEqualTo(12);
            assertThat(envelope.get("groupId").asString()).isEqualTo("Z3JvdXA");
            assertThat(java.util.Base64.getDecoder()
                            .decode(envelope.get("content").asString()))
                    .isEqualTo(welcome);
            assertThat(envelope.has("contentRef")).isFalse();
        }
        assertThat(afterMissing.get("type").asString()).isEqualTo("queue-empty");
        first.close();
        second.close();
    }

    @Test
    void shouldCloseTheOlderSocketOfADeviceWith4409() throws Exception {
        // given
        TestSocket first = connect(bob1);
        awaitConnectionEvents(bob1, ConnectionEventType.CONNECTED, 1);

        // when
        TestSocket second = connect(bob1);

        // then
        assertThat(first.awaitClose()).isEqualTo(4409);
        second.sendText("{\"type\":\"ping\",\"id\":\"second\"}");
        assertThat(second.nextFrame().get("id").asString()).isEqualTo("second");
        assertThat(awaitConnectionEvents(bob1, ConnectionEventType.CONNECTED, 2))
                .hasSize(2);
        second.close();
    }

    @Test
    void shouldCloseASocketWith4409OnAClosePush() throws Exception {
        // given
        TestSocket socket = connect(bob1);
        String connectionId = awaitConnectionEvents(bob1, ConnectionEventType.CONNECTED, 1)
                .get(0)
                .value()
                .getConnectionId();

        // when
        push(bob1.address(), pushFor(connectionId, PushKind.CLOSE).build());

        // then
        assertThat(socket.awaitClose()).isEqualTo(4409);
    }

    @Test
    void shouldCloseWith4410WhenTheWorkersRemovalCloseComesBeforeThisNodesOwnClose() throws Exception {
        // given bob's socket on this node
        TestSocket socket = connect(bob1);
        String connectionId = awaitConnectionEvents(bob1, ConnectionEventType.CONNECTED, 1)
                .get(0)
                .value()
                .getConnectionId();

        // when the worker's CLOSE for the removal is written before the deactivating node closes the socket itself
        push(
                bob1.address(),
                pushFor(connectionId, PushKind.CLOSE)
                        .setCloseReason(CloseReason.DEVICE_REMOVED)
                        .build());
        int closeCode = socket.awaitClose();
        Response deactivated =
                app.delete("/api/v1/keys/deactivate/" + bob1.userId() + "/" + bob1.deviceId(), bob1.authorization());

        // then
        assertThat(closeCode).isEqualTo(4410);
        assertThat(deactivated.status()).as(deactivated.body()).isEqualTo(204);
    }

    @Test
    void shouldCloseWith4410OnARemovalCloseWhenAnotherNodeDeactivatedTheDevice() throws Exception {
        // given bob's socket on this node; no deactivation reaches this node, only the worker's CLOSE
        TestSocket socket = connect(bob1);
        String connectionId = awaitConnectionEvents(bob1, ConnectionEventType.CONNECTED, 1)
                .get(0)
                .value()
                .getConnectionId();

        // when
        push(
                bob1.address(),
                pushFor(connectionId, PushKind.CLOSE)
                        .setCloseReason(CloseReason.DEVICE_REMOVED)
                        .build());

        // then
        assertThat(socket.awaitClose()).isEqualTo(4410);
    }

    @Test
    void shouldCloseWith4409OnASupersededClose() throws Exception {
        // given
        TestSocket socket = connect(bob1);
        String connectionId = awaitConnectionEvents(bob1, ConnectionEventType.CONNECTED, 1)
                .get(0)
                .value()
                .getConnectionId();

        // when
        push(
                bob1.address(),
                pushFor(connectionId, PushKind.CLOSE)
                        .setCloseReason(CloseReason.SUPERSEDED)
                        .build());

        // then
        assertThat(socket.awaitClose()).isEqualTo(4409);
    }

    @Test
    void shouldRefuseTheUpgradeWithoutCredentialsOrForAnotherDevice() {
        // given
        Device bob2 = app.register(bob1.userId(), 202);

        // then
        assertThatThrownBy(() -> TestSocket.connect(app.http(), app.port, "/ws/" + bob1.userId() + "/1", null))
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
        assertThatThrownBy(() ->
                        TestSocket.connect(app.http(), app.port, "/ws/" + bob1.userId() + "/1", bob2.authorization()))
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
        assertThat(KafkaRecords.readAll(
                        kafka, Topics.DEVICE_CONNECTIONS, record -> record.key().equals(bob1.address())))
                .isEmpty();
    }
}
