package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.gateway.websocket.EphemeralPushes;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The typing endpoints and frame of one gateway against real Kafka, Postgres and Redis: who may type where, what
 * the conversation's state is, and the ephemeral frames pushed live to the other participant's online devices on
 * either of two gateway nodes (through Redis, never through a device queue).
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class TypingIT {

    private static final String PROBLEMS = "https://socialink.io/problems/";

    private static GatewayApp app;
    private static GatewayApp otherNode;
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
        otherNode = GatewayApp.start(
                kafka, postgres, redis, Map.of("socialink.gateway.typing.ttl", "2s", "socialink.gateway.node-id", 1));
    }

    @AfterAll
    static void stop() {
        if (otherNode != null) {
            otherNode.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private static TestSocket socket(GatewayApp node, Device device) {
        return TestSocket.connect(
                node.http(), node.port, "/ws/" + device.userId() + "/" + device.deviceId(), device.authorization());
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
    void shouldPushTheChangesLiveToTheOtherUsersDevicesOnEveryNodeAtMostOncePerSecondAndToNoOneElse() throws Exception {
        // given: bob's devices on both nodes, carol (not in the conversation) and alice's own device on the other
        TestSocket bobHere = socket(app, bob1);
        TestSocket bobThere = socket(otherNode, bob2);
        TestSocket carolThere = socket(otherNode, carol);
        TestSocket aliceThere = socket(otherNode, alice);
        try {
            // when
            long before = System.currentTimeMillis();
            Response started = app.put(typing(alice), alice.authorization(), "");
            Response again = app.put(typing(alice), alice.authorization(), "");

            // then
            assertThat(started.status()).isEqualTo(204);
            assertThat(again.status()).isEqualTo(204);
            assertThat(typers(bob1)).containsExactly(alice.userId());
            for (TestSocket bob : List.of(bobHere, bobThere)) {
                JsonNode frame = bob.nextFrame("typing");
                assertThat(frame.get("conversationId").asString()).isEqualTo(conversation);
                assertThat(frame.get("userId").asString()).isEqualTo(alice.userId());
                assertThat(frame.get("typing").asString()).isEqualTo("true");
                assertThat(frame.get("messageId").asString()).isNotEmpty();
                long expiresAt = Long.parseLong(frame.get("expiresAt").asString());
                assertThat(expiresAt).isBetween(before + 2_000, System.currentTimeMillis() + 2_000);
            }

            // when: she stops within the same second
            Response stopped = app.delete(typing(alice), alice.authorization());

            // then: the stop is held back until the second of the start has passed, then pushed; the repeated start
            // of that second was not pushed; nothing went to anyone but bob
            assertThat(stopped.status()).isEqualTo(204);
            assertThat(typers(bob1)).isEmpty();
            assertThat(bobHere.nextFrame("typing").get("typing").asString()).isEqualTo("false");
            assertThat(System.currentTimeMillis() - before).isGreaterThanOrEqualTo(1_000);
            assertThat(bobThere.nextFrame("typing").get("typing").asString()).isEqualTo("false");
            assertThat(bobHere.framesOf("typing", 500)).isEmpty();
            assertThat(bobThere.framesOf("typing", 0)).isEmpty();
            assertThat(carolThere.framesOf("typing", 0)).isEmpty();
            assertThat(aliceThere.framesOf("typing", 0)).isEmpty();
            // never a queued event
            assertThat(KafkaRecords.readAll(kafka, Topics.DEVICE_DELIVERIES, record -> record.value()
                            .getSenderUserId()
                            .equals(alice.userId())))
                    .isEmpty();
        } finally {
            List.of(bobHere, bobThere, carolThere, aliceThere).forEach(TestSocket::close);
        }
    }

    @Test
    void shouldNotPushATypingEventThatHasExpired() throws Exception {
        // given
        TestSocket bobHere = socket(app, bob1);
        try {
            EphemeralPushes pushes = app.bean(EphemeralPushes.class);
            DeviceAddress to = new DeviceAddress(bob1.userId(), bob1.deviceId());

            // when: one event that lapsed on its way, one that has not
            pushes.publish("{\"type\":\"typing\",\"n\":\"late\"}", System.currentTimeMillis() - 1, List.of(to))
                    .block();
            pushes.publish("{\"type\":\"typing\",\"n\":\"live\"}", System.currentTimeMillis() + 5_000, List.of(to))
                    .block();

            // then
            assertThat(bobHere.framesOf("typing", 1_000))
                    .extracting(frame -> frame.get("n").asString())
                    .containsExactly("live");
        } finally {
            bobHere.close();
        }
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

    private static void assertProblem(Response response, int status, String name) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.problemType()).isEqualTo(PROBLEMS + name);
    }
}
