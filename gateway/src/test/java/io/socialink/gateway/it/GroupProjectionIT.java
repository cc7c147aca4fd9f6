package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.schemas.avro.CommandRejected;
import io.socialink.schemas.avro.CommitAccepted;
import io.socialink.schemas.avro.CommitKind;
import io.socialink.schemas.avro.GroupCreated;
import io.socialink.schemas.avro.GroupEvent;
import io.socialink.schemas.avro.MemberLeaf;
import io.socialink.schemas.avro.MemberLeft;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/** The group projection from real GroupEvent records on group.events, read through the group endpoints. */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class GroupProjectionIT {

    private static GatewayApp app;
    private static KafkaTestEnv kafka;

    @BeforeAll
    static void start(KafkaTestEnv kafkaEnv, PostgresTestEnv postgres, RedisTestEnv redis) {
        kafka = kafkaEnv;
        app = GatewayApp.start(kafka, postgres, redis, Map.of());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static void produce(GroupEvent... events) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
            String topic = kafka.layout().name(Topics.GROUP_EVENTS);
            for (GroupEvent event : events) {
                producer.send(new ProducerRecord<>(
                                topic,
                                event.getGroupId().getBytes(StandardCharsets.UTF_8),
                                Topics.GROUP_EVENTS.valueSerde().serializer().serialize(topic, event)))
                        .get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static GroupEvent event(String groupId, Device actor, long epoch, Object payload) {
        return GroupEvent.newBuilder()
                .setGroupId(groupId)
                .setRequestId(UUID.randomUUID().toString())
                .setActorUserId(actor.userId())
                .setActorDeviceId(actor.deviceId())
                .setEpoch(epoch)
                .setAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .setEvent(payload)
                .build();
    }

    static MemberLeaf leaf(Device device, int index) {
        return MemberLeaf.newBuilder()
                .setUserId(device.userId())
                .setDeviceId(device.deviceId())
                .setLeafIndex(index)
                .build();
    }

    static CommitAccepted commit(CommitKind kind, List<MemberLeaf> added, List<MemberLeaf> removed) {
        return CommitAccepted.newBuilder()
                .setKind(kind)
                .setCommitHash(ByteBuffer.wrap(new byte[32]))
                .setAdded(added)
                .setRemoved(removed)
                .setBundleBytes(1000)
                .build();
    }

    static Response awaitRead(String path, Device device, Predicate<Response> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            Response response = app.get(path, device.authorization());
            if (done.test(response) || System.nanoTime() > deadline) {
                return response;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return response;
            }
        }
    }

    @Test
    void shouldProjectCreatedAddedRemovedAndLeftMembers() {
        // given: alice creates the group; bob (two devices) and carol are added; bob.2 is removed
        Device alice = app.register(GatewayApp.unique("alice"), 1);
        String bobId = GatewayApp.unique("bob");
        Device bob1 = app.register(bobId, 1);
        Device bob2 = app.register(bobId, 2);
        Device carol = app.register(GatewayApp.unique("carol"), 1);
        Device dave = app.register(GatewayApp.unique("dave"), 1);
        String groupId = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        String path = "/api/v1/groups/" + groupId;

        // when
        produce(
                event(
                        groupId,
                        alice,
                        0,
                        GroupCreated.newBuilder().setCipherSuite(1).build()),
                event(
                        groupId,
                        alice,
                        1,
                        commit(CommitKind.ADD, List.of(leaf(bob1, 1), leaf(bob2, 2), leaf(carol, 3)), List.of())),
                event(
                        groupId,
                        alice,
                        1,
                        CommandRejected.newBuilder()
                                .setCommand("commit")
                                .setProblemType("stale-epoch")
                                .setDetail("late")
                                .build()),
                event(groupId, alice, 2, commit(CommitKind.REMOVE, List.of(), List.of(leaf(bob2, 2)))));
        Response group = awaitRead(
                path,
                alice,
                response ->
                        response.status() == 200 && response.json().get("epoch").asLong() == 2);

        // then
        assertThat(group.status()).as(group.body()).isEqualTo(200);
        assertThat(group.json().get("groupId").asString()).isEqualTo(groupId);
        assertThat(group.json().get("memberCount").asInt()).isEqualTo(3);
        assertThat(group.json().get("deviceCount").asInt()).isEqualTo(3);
        assertThat(group.json().get("admins")).extracting(JsonNode::asString).containsExactly(alice.userId());
        assertThat(group.json().get("createdAt").asLong()).isEqualTo(1_700_000_000_000L);
        assertThat(group.json().get("cipherSuite").asInt()).isEqualTo(1);
        Response members = app.get(path + "/members", bob1.authorization());
        assertThat(members.status()).as(members.body()).isEqualTo(200);
        JsonNode bob = null;
        for (JsonNode member : members.json().get("members")) {
            if (member.get("userId").asString().equals(bobId)) {
                bob = member;
            }
        }
        assertThat(bob).isNotNull();
        assertThat(bob.get("admin").asBoolean()).isFalse();
        assertThat(bob.get("devices")).hasSize(1);
        assertThat(bob.get("devices").get(0).get("deviceId").asInt()).isEqualTo(1);
        assertThat(bob.get("devices").get(0).get("leafIndex").asInt()).isEqualTo(1);

        // and: a non-member may not read it, an unknown group is 404
        Response outsider = app.get(path, dave.authorization());
        assertThat(outsider.status()).isEqualTo(403);
        assertThat(outsider.problemType()).endsWith("/not-a-member");
        Response unknown = app.get("/api/v1/groups/bm8tc3VjaC1ncm91cA/members", alice.authorization());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.problemType()).endsWith("/unknown-group");

        // when: carol leaves (her leaf becomes a pending removal)
        produce(event(
                groupId,
                carol,
                2,
                MemberLeft.newBuilder()
                        .setUserId(carol.userId())
                        .setLeaves(List.of(leaf(carol, 3)))
                        .build()));
        Response afterLeave = awaitRead(
                path, alice, response -> response.json().get("memberCount").asInt() == 2);

        // then
        assertThat(afterLeave.json().get("deviceCount").asInt()).isEqualTo(2);
        assertThat(app.get(path, carol.authorization()).status()).isEqualTo(403);
    }

    @Test
    void shouldIgnoreARepeatedCommitEvent() {
        // given
        Device alice = app.register(GatewayApp.unique("alice"), 1);
        Device bob = app.register(GatewayApp.unique("bob"), 1);
        String groupId = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        GroupEvent add = event(groupId, alice, 1, commit(CommitKind.ADD, List.of(leaf(bob, 1)), List.of()));
        GroupEvent remove = event(groupId, alice, 2, commit(CommitKind.REMOVE, List.of(), List.of(leaf(bob, 1))));

        // when: the add is delivered again after the remove (at-least-once replay)
        produce(
                event(
                        groupId,
                        alice,
                        0,
                        GroupCreated.newBuilder().setCipherSuite(1).build()),
                add,
                remove,
                add);
        Response group = awaitRead(
                "/api/v1/groups/" + groupId,
                alice,
                response ->
                        response.status() == 200 && response.json().get("epoch").asLong() == 2);
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }

        // then
        assertThat(app.get("/api/v1/groups/" + groupId, alice.authorization())
                        .json()
                        .get("memberCount")
                        .asInt())
                .isEqualTo(1);
        assertThat(group.json().get("deviceCount").asInt()).isEqualTo(1);
    }
}
