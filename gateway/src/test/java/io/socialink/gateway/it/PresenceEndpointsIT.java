package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.schemas.avro.ConnectionEvent;
import io.socialink.schemas.avro.ConnectionEventType;
import io.socialink.schemas.presence.PresenceKeys;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The presence endpoints of one gateway against real Kafka, Postgres and Redis: what they record, and the bad
 * input they refuse with a problem and nothing stored. presence-service does not run here (its derivation has its
 * own tests; client's PresenceIT runs everything together), so everyone reads as offline.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class PresenceEndpointsIT {

    private static final String PROBLEMS = "https://socialink.io/problems/";

    private static GatewayApp app;
    private static GatewayApp otherNode;
    private static KafkaTestEnv kafka;
    private static String redisUrl;

    private Device alice;
    private Device bob;

    @BeforeAll
    static void start(KafkaTestEnv kafkaEnv, PostgresTestEnv postgres, RedisTestEnv redis) {
        kafka = kafkaEnv;
        redisUrl = redis.url();
        app = GatewayApp.start(kafka, postgres, redis, Map.of());
        otherNode = GatewayApp.start(kafka, postgres, redis, Map.of("socialink.gateway.node-id", 1));
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

    @BeforeEach
    void register() {
        alice = app.register(GatewayApp.unique("alice"), 11);
        bob = app.register(GatewayApp.unique("bob"), 12);
    }

    @Test
    void shouldRecordTheCallingDevicesActivityAsEventsOnItsConnectionStream() {
        // when
        Response background = app.put("/api/v1/presence/offline/" + alice.userId(), alice.authorization(), "");
        Response front = app.put("/api/v1/presence/online/" + alice.userId(), alice.authorization(), "");

        // then
        assertThat(background.status()).isEqualTo(204);
        assertThat(front.status()).isEqualTo(204);
        List<KafkaRecords.Keyed<ConnectionEvent>> events = KafkaRecords.await(
                kafka, Topics.DEVICE_CONNECTIONS, record -> record.key().equals(alice.address()), 2);
        assertThat(events)
                .extracting(record -> record.value().getType())
                .containsExactly(ConnectionEventType.INACTIVE, ConnectionEventType.ACTIVE);
    }

    @Test
    void shouldAnswerAUsersPresenceAndStatusAndTheBulkInTheOrderAsked() {
        // given
        Response status = app.put(
                "/api/v1/presence/status/" + alice.userId(),
                alice.authorization(),
                "{\"status\":\"busy\",\"statusText\":\"in a meeting\"}");

        // when
        Response one = app.get("/api/v1/presence/" + alice.userId(), bob.authorization());
        Response bulk = app.post(
                "/api/v1/presence/bulk",
                bob.authorization(),
                "{\"userIds\":[\"" + bob.userId() + "\",\"" + alice.userId() + "\",\"" + bob.userId() + "\"]}");

        // then
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.body()).isEqualTo("{\"status\":\"busy\",\"statusText\":\"in a meeting\"}");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.body())
                .isEqualTo("{\"userId\":\"" + alice.userId()
                        + "\",\"online\":false,\"lastSeen\":null,\"status\":\"busy\",\"statusText\":\"in a meeting\"}");
        assertThat(bulk.status()).isEqualTo(200);
        assertThat(bulk.json()
                        .get("users")
                        .valueStream()
                        .map(user -> user.get("userId").asString())
                        .toList())
                .containsExactly(bob.userId(), alice.userId());
    }

    @Test
    void shouldCountTheUsersWhoseOnlineScoreLiesAheadOnly() {
        // given: the online set as presence-service writes it, with one user ahead of the clock and one past it
        String ahead = GatewayApp.unique("online");
        String past = GatewayApp.unique("expired");
        RedisClient client = RedisClient.create(redisUrl);
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            long before = online();
            long now = System.currentTimeMillis();
            redis.sync().zadd(PresenceKeys.ONLINE, now + 60_000, ahead);
            redis.sync().zadd(PresenceKeys.ONLINE, now - 1, past);
            try {
                // when
                long after = online();

                // then
                assertThat(after).isEqualTo(before + 1);
            } finally {
                redis.sync().zrem(PresenceKeys.ONLINE, ahead, past);
            }
        } finally {
            client.shutdown();
        }
    }

    private long online() {
        Response count = app.get("/api/v1/presence/online-count", bob.authorization());
        assertThat(count.status()).as(count.body()).isEqualTo(200);
        return count.json().get("online").asLong();
    }

    @Test
    void shouldKeepPresenceVisibilityInTheSettings() {
        // when
        Response nobody =
                app.put("/api/v1/settings/" + alice.userId(), alice.authorization(), "{\"presence\":\"nobody\"}");
        Response read = app.get("/api/v1/settings/" + alice.userId(), alice.authorization());

        // then
        assertThat(nobody.status()).isEqualTo(200);
        assertThat(read.json().get("presence").asString()).isEqualTo("nobody");
        assertThat(read.json().get("readReceipts").asBoolean()).isTrue();
    }

    @Test
    void shouldRefuseBadStatusesAndStoreNothing() {
        // given
        app.put("/api/v1/presence/status/" + alice.userId(), alice.authorization(), "{\"status\":\"away\"}");
        String tooLong = "x".repeat(141);

        // when
        Response unknownStatus =
                app.put("/api/v1/presence/status/" + alice.userId(), alice.authorization(), "{\"status\":\"asleep\"}");
        Response longText = app.put(
                "/api/v1/presence/status/" + alice.userId(),
                alice.authorization(),
                "{\"status\":\"busy\",\"statusText\":\"" + tooLong + "\"}");
        Response missing = app.put("/api/v1/presence/status/" + alice.userId(), alice.authorization(), "{}");
        Response controlCharacter = app.put(
                "/api/v1/presence/status/" + alice.userId(),
                alice.authorization(),
                "{\"status\":\"busy\",\"statusText\":\"a\\u0000b\"}");
        Response othersStatus =
                app.put("/api/v1/presence/status/" + alice.userId(), bob.authorization(), "{\"status\":\"busy\"}");
        Response othersActivity = app.put("/api/v1/presence/offline/" + alice.userId(), bob.authorization(), "");
        Response badVisibility =
                app.put("/api/v1/settings/" + alice.userId(), alice.authorization(), "{\"presence\":\"friends\"}");

        // then
        assertProblem(unknownStatus, 400, "bad-request");
        assertProblem(longText, 400, "bad-request");
        assertProblem(missing, 400, "bad-request");
        assertProblem(controlCharacter, 400, "bad-request");
        assertProblem(othersStatus, 403, "forbidden");
        assertProblem(othersActivity, 403, "forbidden");
        assertProblem(badVisibility, 400, "bad-request");
        Response seen = app.get("/api/v1/presence/" + alice.userId(), alice.authorization());
        assertThat(seen.json().get("status").asString()).isEqualTo("away");
        assertThat(seen.json().get("statusText").isNull()).isTrue();
        assertThat(app.get("/api/v1/settings/" + alice.userId(), alice.authorization())
                        .json()
                        .get("presence")
                        .asString())
                .isEqualTo("everyone");
        assertThat(KafkaRecords.readAll(
                        kafka, Topics.DEVICE_CONNECTIONS, record -> record.key().startsWith(alice.userId() + ".")))
                .isEmpty();
    }

    @Test
    void shouldRefuseUnknownUsersTooManyUsersAndMalformedIds() {
        // given
        String stranger = GatewayApp.unique("nobody");
        List<String> tooMany =
                new ArrayList<>(IntStream.range(0, 1001).mapToObj(i -> "u" + i).toList());

        // when
        Response unknownOne = app.get("/api/v1/presence/" + stranger, bob.authorization());
        Response unknownInBulk = app.post(
                "/api/v1/presence/bulk",
                bob.authorization(),
                "{\"userIds\":[\"" + alice.userId() + "\",\"" + stranger + "\"]}");
        Response overLimit = app.post(
                "/api/v1/presence/bulk",
                bob.authorization(),
                GatewayApp.JSON.writeValueAsString(Map.of("userIds", tooMany)));
        Response empty = app.post("/api/v1/presence/bulk", bob.authorization(), "{\"userIds\":[]}");
        Response malformedInBulk =
                app.post("/api/v1/presence/bulk", bob.authorization(), "{\"userIds\":[\"not a user!\"]}");
        Response malformedPath = app.get("/api/v1/presence/bad%21id", bob.authorization());

        // then
        assertProblem(unknownOne, 404, "unknown-user");
        assertProblem(unknownInBulk, 404, "unknown-user");
        assertThat(unknownInBulk
                        .json()
                        .get("unknownUsers")
                        .valueStream()
                        .map(node -> node.asString())
                        .toList())
                .containsExactly(stranger);
        assertProblem(overLimit, 413, "payload-too-large");
        assertProblem(empty, 400, "bad-request");
        assertProblem(malformedInBulk, 400, "bad-request");
        assertProblem(malformedPath, 400, "bad-request");
    }

    @Test
    void shouldAnswerASocketsSubscriptionWithASnapshotAndRefuseBadListsWithErrorFrames() throws Exception {
        // given
        TestSocket socket = TestSocket.connect(
                app.http(), app.port, "/ws/" + bob.userId() + "/" + bob.deviceId(), bob.authorization());
        String stranger = GatewayApp.unique("nobody");
        List<String> tooMany = IntStream.range(0, 1001).mapToObj(i -> "u" + i).toList();
        try {
            // when
            socket.sendText("{\"type\":\"presence-subscribe\",\"userIds\":[\"" + alice.userId() + "\"]}");
            JsonNode snapshot = next(socket, "presence-snapshot");
            socket.sendText("{\"type\":\"presence-subscribe\",\"userIds\":[\"" + stranger + "\"]}");
            JsonNode unknown = next(socket, "error");
            socket.sendText(
                    GatewayApp.JSON.writeValueAsString(Map.of("type", "presence-subscribe", "userIds", tooMany)));
            JsonNode overLimit = next(socket, "error");
            socket.sendText("{\"type\":\"presence-subscribe\",\"userIds\":[\"bad id\"]}");
            JsonNode malformed = next(socket, "error");
            socket.sendText("{\"type\":\"presence-subscribe\",\"userIds\":\"" + alice.userId() + "\"}");
            JsonNode notAList = next(socket, "error");

            // then
            assertThat(snapshot.get("users")).hasSize(1);
            assertThat(snapshot.get("users").get(0).get("userId").asString()).isEqualTo(alice.userId());
            assertThat(snapshot.get("users").get(0).get("online").asBoolean()).isFalse();
            assertThat(unknown.get("code").asString()).isEqualTo("unknown-user");
            assertThat(overLimit.get("code").asString()).isEqualTo("payload-too-large");
            assertThat(malformed.get("code").asString()).isEqualTo("bad-request");
            assertThat(notAList.get("code").asString()).isEqualTo("bad-frame");
        } finally {
            socket.close();
        }
    }

    @Test
    void shouldPushAFollowedUsersChangesToAFollowerOnAnotherNodeWithTheSettingsOfThen() throws Exception {
        // given: bob follows alice from the other node; alice comes online (as presence-service writes and says it)
        TestSocket socket = TestSocket.connect(
                otherNode.http(), otherNode.port, "/ws/" + bob.userId() + "/" + bob.deviceId(), bob.authorization());
        RedisClient client = RedisClient.create(redisUrl);
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            socket.sendText("{\"type\":\"presence-subscribe\",\"userIds\":[\"" + alice.userId() + "\"]}");
            next(socket, "presence-snapshot");
            redis.sync().zadd(PresenceKeys.ONLINE, System.currentTimeMillis() + 60_000, alice.userId());
            redis.sync().publish(PresenceKeys.CHANGES, alice.userId());
            JsonNode online = next(socket, "presence");

            // when: she sets a status, then hides her presence, on this node
            app.put("/api/v1/presence/status/" + alice.userId(), alice.authorization(), "{\"status\":\"busy\"}");
            JsonNode busy = next(socket, "presence");
            app.put("/api/v1/settings/" + alice.userId(), alice.authorization(), "{\"presence\":\"nobody\"}");
            JsonNode hidden = next(socket, "presence");
            // and she goes offline and online again
            redis.sync().publish(PresenceKeys.CHANGES, alice.userId());
            JsonNode later = next(socket, "presence");

            // then: each frame shows the settings of its moment, none the other node had seen before
            assertThat(online.get("online").asBoolean()).isTrue();
            assertThat(online.get("status").asString()).isEqualTo("available");
            assertThat(busy.get("online").asBoolean()).isTrue();
            assertThat(busy.get("status").asString()).isEqualTo("busy");
            assertThat(hidden.get("online").asBoolean()).isFalse();
            assertThat(later.get("online").asBoolean()).isFalse();
        } finally {
            socket.close();
            client.shutdown();
        }
    }

    private static JsonNode next(TestSocket socket, String type) throws InterruptedException {
        while (true) {
            JsonNode frame = socket.nextFrame();
            if (frame.get("type").asString().equals(type)) {
                return frame;
            }
        }
    }

    private static void assertProblem(Response response, int status, String name) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.problemType()).isEqualTo(PROBLEMS + name);
    }
}
