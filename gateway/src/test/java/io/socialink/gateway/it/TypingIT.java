package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The typing endpoints and frame of one gateway against real Kafka, Postgres and Redis: who may type where, what
 * the conversation's state is, and the ephemeral events produced for the other participant's devices (the
 * delivery-worker, not running here, pushes them to online devices only).
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class TypingIT {

    private static final String PROBLEMS = "https://socialink.io/problems/";

    private static GatewayApp app;
    private static KafkaTestEnv kafka;

    private Device alice;
    private Device bob1;
    private Device bob2;
    private Device carol;
    private String conversation;

    @BeforeAll
    static void start(KafkaTestEnv kafkaEnv, PostgresTestEnv postgres, RedisTestEnv redis) {
        kafka = kafkaEnv;
        app = GatewayApp.start(kafka, postgres, redis, Map.of("socialink.gateway.typing.ttl", "2s"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @BeforeEach
    void register() {
        // "a-" sorts before "b-": the 1:1 conversation id is alice~bob
        alice = app.register(GatewayApp.unique("a-alice"), 21);
        String bob = GatewayApp.unique("b-bob");
        bob1 = app.register(bob, 22);
        bob2 = app.register(bob, 23);
        carol = app.register(GatewayApp.unique("c-carol"), 24);
        conversation = alice.userId() + "~" + bob;
    }

    @Test
    void shouldShowWhoTypesUntilStoppedAndPushTheChangesToTheOtherUsersDevicesOnlyOncePerSecond() throws Exception {
        // when
        Response started = app.put(typing(alice), alice.authorization(), "");
        Response again = app.put(typing(alice), alice.authorization(), "");

        // then
        assertThat(started.status()).isEqualTo(204);
        assertThat(again.status()).isEqualTo(204);
        assertThat(typers(bob1)).containsExactly(alice.userId());
        List<KafkaRecords.Keyed<Delivery>> events = typingEvents(2);
        assertThat(events)
                .extracting(KafkaRecords.Keyed::key)
                .containsExactlyInAnyOrder(bob1.address(), bob2.address());
        Delivery event = events.get(0).value();
        assertThat(event.getEphemeral()).isTrue();
        assertThat(event.getEvent().getAttributes())
                .containsEntry("conversationId", conversation)
                .containsEntry("userId", alice.userId())
                .containsEntry("typing", "true");
        long expiresAt = Long.parseLong(event.getEvent().getAttributes().get("expiresAt"));
        assertThat(event.getExpiresAt().toEpochMilli()).isEqualTo(expiresAt);
        assertThat(expiresAt - event.getSentAt().toEpochMilli()).isEqualTo(2_000);

        // when: a second later she stops
        Thread.sleep(1_100);
        Response stopped = app.delete(typing(alice), alice.authorization());

        // then
        assertThat(stopped.status()).isEqualTo(204);
        assertThat(typers(bob1)).isEmpty();
        List<KafkaRecords.Keyed<Delivery>> all = typingEvents(4);
        assertThat(all).hasSize(4);
        assertThat(all.stream()
                        .map(record -> record.value().getEvent().getAttributes().get("typing"))
                        .collect(Collectors.toList()))
                .containsExactlyInAnyOrder("true", "true", "false", "false");
    }

    @Test
    void shouldForgetATyperThatStopsRefreshingAfterTheTtl() throws Exception {
        // given
        app.put(typing(alice), alice.authorization(), "");
        assertThat(typers(bob2)).containsExactly(alice.userId());

        // when
        Thread.sleep(2_200);

        // then
        assertThat(typers(bob2)).isEmpty();
    }

    @Test
    void shouldTakeTypingAsASocketFrameAndAnswerARefusalWithAnErrorFrame() throws Exception {
        // given
        TestSocket socket = TestSocket.connect(
                app.http(), app.port, "/ws/" + alice.userId() + "/" + alice.deviceId(), alice.authorization());
        try {
            // when
            socket.sendText("{\"type\":\"typing\",\"conversationId\":\"" + conversation + "\",\"typing\":true}");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (typers(bob1).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            socket.sendText("{\"type\":\"typing\",\"conversationId\":\"" + carol.userId() + "~zz-" + carol.userId()
                    + "\",\"typing\":true}");
            socket.sendText("{\"type\":\"typing\",\"conversationId\":\"" + conversation + "\"}");

            // then
            assertThat(typers(bob1)).containsExactly(alice.userId());
            JsonNode refused = nextError(socket);
            JsonNode malformed = nextError(socket);
            assertThat(Set.of(
                            refused.get("code").asString(),
                            malformed.get("code").asString()))
                    .containsExactlyInAnyOrder("forbidden", "bad-frame");
        } finally {
            socket.close();
        }
    }

    @Test
    void shouldRefuseConversationsTheCallerIsNotInAndMalformedIds() {
        // when
        Response outsider = app.put("/api/v1/typing/" + conversation + "/" + carol.userId(), carol.authorization(), "");
        Response outsiderReads = app.get("/api/v1/typing/" + conversation, carol.authorization());
        Response otherUsersPath =
                app.put("/api/v1/typing/" + conversation + "/" + bob1.userId(), alice.authorization(), "");
        Response unsorted = app.put(
                "/api/v1/typing/" + bob1.userId() + "~" + alice.userId() + "/" + alice.userId(),
                alice.authorization(),
                "");
        Response withItself = app.put(
                "/api/v1/typing/" + alice.userId() + "~" + alice.userId() + "/" + alice.userId(),
                alice.authorization(),
                "");
        Response unknownPartner = app.put(
                "/api/v1/typing/" + alice.userId() + "~zz-nobody-" + alice.userId() + "/" + alice.userId(),
                alice.authorization(),
                "");
        Response unknownGroup =
                app.put("/api/v1/typing/AAECAwQFBgcICQoLDA0ODw/" + alice.userId(), alice.authorization(), "");
        Response malformedGroup = app.get("/api/v1/typing/not=base64", alice.authorization());

        // then
        assertProblem(outsider, 403, "forbidden");
        assertProblem(outsiderReads, 403, "forbidden");
        assertProblem(otherUsersPath, 403, "forbidden");
        assertProblem(unsorted, 400, "bad-request");
        assertProblem(withItself, 400, "bad-request");
        assertProblem(unknownPartner, 404, "unknown-user");
        assertProblem(unknownGroup, 404, "unknown-group");
        assertProblem(malformedGroup, 400, "bad-request");
        assertThat(KafkaRecords.readAll(
                        kafka,
                        Topics.DEVICE_DELIVERIES,
                        record -> record.value().getEvent() != null
                                && record.value().getSenderUserId().equals(alice.userId())))
                .isEmpty();
    }

    private static JsonNode nextError(TestSocket socket) throws InterruptedException {
        while (true) {
            JsonNode frame = socket.nextFrame();
            if (frame.get("type").asString().equals("error")) {
                return frame;
            }
        }
    }

    private String typing(Device device) {
        return "/api/v1/typing/" + conversation + "/" + device.userId();
    }

    private List<String> typers(Device viewer) {
        Response response = app.get("/api/v1/typing/" + conversation, viewer.authorization());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("conversationId").asString()).isEqualTo(conversation);
        return response.json()
                .get("typing")
                .valueStream()
                .map(JsonNode::asString)
                .toList();
    }

    private List<KafkaRecords.Keyed<Delivery>> typingEvents(int atLeast) {
        return KafkaRecords.await(
                kafka,
                Topics.DEVICE_DELIVERIES,
                record -> record.value().getEvent() != null
                        && "typing".equals(record.value().getEvent().getType())
                        && record.value().getSenderUserId().equals(alice.userId()),
                atLeast);
    }

    private static void assertProblem(Response response, int status, String name) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.problemType()).isEqualTo(PROBLEMS + name);
    }
}
