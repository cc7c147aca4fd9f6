package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.groups.GroupPayloads;
import io.socialink.gateway.groups.MlsTestDevice;
import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.gateway.keypackages.KeyPackages;
import io.socialink.gateway.messages.MessageIds;
import io.socialink.schemas.avro.CommitBundle;
import io.socialink.schemas.avro.CommitKind;
import io.socialink.schemas.avro.CreateGroup;
import io.socialink.schemas.avro.GroupCommand;
import io.socialink.schemas.avro.GroupMessage;
import io.socialink.schemas.avro.GroupReply;
import io.socialink.schemas.avro.LeaveGroup;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bouncycastle.mls.codec.KeyPackage;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.protocol.Group;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The group endpoints against the real services, without group-fanout: everything the gateway decides alone is
 * answered before Kafka; a valid request waits for its reply on the real {@code group.replies} partition of this
 * node (produced here, as group-fanout would), and times out without one.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class GroupEndpointsIT {

    private static final String REPLY_TIMEOUT = "4s";

    private static GatewayApp app;
    private static KafkaTestEnv kafka;
    private static String jdbcUrl;

    @BeforeAll
    static void start(KafkaTestEnv kafkaEnv, PostgresTestEnv postgres, RedisTestEnv redis) {
        kafka = kafkaEnv;
        jdbcUrl = postgres.jdbcUrl();
        app = GatewayApp.start(kafka, postgres, redis, Map.of("socialink.gateway.groups.reply-timeout", REPLY_TIMEOUT));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    /** A registered device with its MLS side. */
    record MlsDevice(Device device, MlsTestDevice mls) {}

    static MlsDevice device(String userId, int registrationId) {
        Device device = app.register(userId, registrationId);
        return new MlsDevice(device, new MlsTestDevice(device.address()));
    }

    /** A KeyPackage the directory stores for {@code device}. */
    static KeyPackage uploadedKeyPackage(MlsDevice device) {
        KeyPackage keyPackage = device.mls().keyPackage();
        Response response = app.put(
                "/api/v1/keypackages",
                device.device().authorization(),
                GatewayApp.JSON.writeValueAsString(
                        Map.of("keyPackages", List.of(b64(MlsTestDevice.encode(MLSMessage.keyPackage(keyPackage)))))));
        assertThat(response.status()).as(response.body()).isEqualTo(204);
        return keyPackage;
    }

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static byte[] newGroupId() {
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        return id;
    }

    static String groupIdText(byte[] groupId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(groupId);
    }

    static String addBody(long epoch, MlsTestDevice.Bundle bundle) {
        Map<String, Object> body = new HashMap<>();
        body.put("epoch", epoch);
        body.put("commit", b64(bundle.commit()));
        body.put("welcome", b64(bundle.welcome()));
        body.put("groupInfo", b64(bundle.groupInfo()));
        return GatewayApp.JSON.writeValueAsString(body);
    }

    static Response addMembers(MlsDevice actor, String groupId, String body) {
        return app.post(
                "/api/v1/groups/" + groupId + "/members/" + actor.device().userId(),
                actor.device().authorization(),
                body);
    }

    static List<KafkaRecords.Keyed<GroupCommand>> commandsOf(String groupId) {
        return KafkaRecords.readAll(
                kafka, Topics.GROUP_COMMANDS, record -> record.key().equals(groupId));
    }

    static void reply(GroupReply reply) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
            String topic = kafka.layout().name(Topics.GROUP_REPLIES);
            producer.send(new ProducerRecord<>(
                            topic,
                            0,
                            reply.getRequestId().getBytes(StandardCharsets.UTF_8),
                            Topics.GROUP_REPLIES.valueSerde().serializer().serialize(topic, reply)))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the one command of {@code groupId} that the gateway produced. */
    static GroupCommand awaitCommand(String groupId) {
        List<KafkaRecords.Keyed<GroupCommand>> commands = KafkaRecords.await(
                kafka, Topics.GROUP_COMMANDS, record -> record.key().equals(groupId), 1);
        assertThat(commands).hasSize(1);
        return commands.get(0).value();
    }

    @Test
    void shouldRefuseActingForAnotherUser() {
        // given
        MlsDevice alice = device(GatewayApp.unique("alice"), 1);

        // when
        Response response = app.post(
                "/api/v1/groups/create/someone-else",
                alice.device().authorization(),
                "{\"groupId\": \"" + groupIdText(newGroupId()) + "\", \"cipherSuite\": 1}");
        Response send = app.post(
                "/api/v1/groups/" + groupIdText(newGroupId()) + "/send/someone-else",
                alice.device().authorization(),
                "{\"message\": \"AAAA\"}");

        // then
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.problemType()).endsWith("/forbidden");
        assertThat(send.status()).isEqualTo(403);
    }

    @Test
    void shouldRefuseABundleOverTwoMebibytes() {
        // given
        MlsDevice alice = device(GatewayApp.unique("alice"), 1);
        String groupId = groupIdText(newGroupId());
        byte[] huge = new byte[2 * 1024 * 1024 + 1];

        // when
        Response response = addMembers(
                alice,
                groupId,
                GatewayApp.JSON.writeValueAsString(
                        Map.of("epoch", 0, "commit", b64(huge), "welcome", b64(new byte[] {0, 1, 0, 3}))));

        // then
        assertThat(response.status()).as(response.body()).isEqualTo(413);
        assertThat(response.problemType()).endsWith("/payload-too-large");
        assertThat(commandsOf(groupId)).isEmpty();
    }

    @Test
    void shouldRefuseMalformedMlsAndProduceNothing() {
        // given: a real group of alice's, bob with a stored KeyPackage
        MlsDevice alice = device(GatewayApp.unique("alice"), 1);
        MlsDevice bob = device(GatewayApp.unique("bob"), 1);
        byte[] groupBytes = newGroupId();
        String groupId = groupIdText(groupBytes);
        Group group = alice.mls().createGroup(groupBytes);
        MlsTestDevice.Bundle bundle = MlsTestDevice.commit(group, List.of(uploadedKeyPackage(bob)), List.of());
        byte[] truncated = java.util.Arrays.copyOf(bundle.commit(), bundle.commit().length - 5);
        byte[] application = MlsTestDevice.applicationMessage(bundle.next(), "hello");

        // when
        Response garbage = addMembers(
                alice,
                groupId,
                GatewayApp.JSON.writeValueAsString(Map.of(
                        "epoch",
                        0,
                        "commit",
                        b64("not mls at all".getBytes(StandardCharsets.UTF_8)),
                        "welcome",
                        b64(bundle.welcome()))));
        Response cut = addMembers(
                alice,
                groupId,
                GatewayApp.JSON.writeValueAsString(
                        Map.of("epoch", 0, "commit", b64(truncated), "welcome", b64(bundle.welcome()))));
        Response otherGroup = addMembers(alice, groupIdText(newGroupId()), addBody(0, bundle));
        Response wrongEpoch = addMembers(alice, groupId, addBody(3, bundle));
        Response messageAsCommit = app.post(
                "/api/v1/groups/" + groupId + "/commit/" + alice.device().userId(),
                alice.device().authorization(),
                GatewayApp.JSON.writeValueAsString(Map.of("epoch", 1, "commit", b64(application))));
        Response commitAsMessage = app.post(
                "/api/v1/groups/" + groupId + "/send/" + alice.device().userId(),
                alice.device().authorization(),
                GatewayApp.JSON.writeValueAsString(Map.of("message", b64(bundle.commit()))));
        Response addsInUpdate = app.post(
                "/api/v1/groups/" + groupId + "/commit/" + alice.device().userId(),
                alice.device().authorization(),
                GatewayApp.JSON.writeValueAsString(Map.of("epoch", 0, "commit", b64(bundle.commit()))));

        // then
        for (Response response :
                List.of(garbage, cut, otherGroup, wrongEpoch, messageAsCommit, commitAsMessage, addsInUpdate)) {
            assertThat(response.status()).as(response.body()).isEqualTo(422);
            assertThat(response.problemType()).endsWith("/invalid-mls-message");
        }
        assertThat(commandsOf(groupId)).isEmpty();
    }

    @Test
    void shouldRefuseAddsThatMissADeviceOfTheAddedUser() {
        // given: bob has two devices, the commit adds only the first
        MlsDevice alice = device(GatewayApp.unique("alice"), 1);
        String bobId = GatewayApp.unique("bob");
        MlsDevice bob1 = device(bobId, 1);
        MlsDevice bob2 = device(bobId, 2);
        uploadedKeyPackage(bob2);
        byte[] groupBytes = newGroupId();
        MlsTestDevice.Bundle bundle =
                MlsTestDevice.commit(alice.mls().createGroup(groupBytes), List.of(uploadedKeyPackage(bob1)), List.of());

        // when
        Response response = addMembers(alice, groupIdText(groupBytes), addBody(0, bundle));

        // then
        assertThat(response.status()).as(response.body()).isEqualTo(409);
        assertThat(response.problemType()).endsWith("/device-mismatch");
        JsonNode mismatch = response.json().get("mismatches").get(0);
        assertThat(mismatch.get("userId").asString()).isEqualTo(bobId);
        assertThat(mismatch.get("missingDevices"))
                .extracting(JsonNode::asInt)
                .containsExactly(bob2.device().deviceId());
        assertThat(commandsOf(groupIdText(groupBytes))).isEmpty();
    }

    @Test
    void shouldRefuseAKeyPackageTheDirectoryNeverSaw() {
        // given: bob's KeyPackage was never uploaded
        MlsDevice alice = device(GatewayApp.unique("alice"), 1);
        MlsDevice bob = device(GatewayApp.unique("bob"), 1);
        byte[] groupBytes = newGroupId();
        MlsTestDevice.Bundle bundle = MlsTestDevice.commit(
                alice.mls().createGroup(groupBytes), List.of(bob.mls().keyPackage()), List.of());

        // when
        Response response = addMembers(alice, groupIdText(groupBytes), addBody(0, bundle));

        // then
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.problemType()).endsWith("/unknown-key-package");
        assertThat(commandsOf(groupIdText(groupBytes))).isEmpty();
    }

    @Test
    void shouldRefuseAWelcomeForOtherKeyPackages() {
        // given: the Welcome of another commit, which adds carol instead of bob
        MlsDevice alice = device(GatewayApp.unique("alice"), 1);
        MlsDevice bob = device(GatewayApp.unique("bob"), 1);
        MlsDevice carol = device(GatewayApp.unique("carol"), 1);
        byte[] groupBytes = newGroupId();
        Group group = alice.mls().createGroup(groupBytes);
        MlsTestDevice.Bundle addBob = MlsTestDevice.commit(group, List.of(uploadedKeyPackage(bob)), List.of());
        MlsTestDevice.Bundle addCarol = MlsTestDevice.commit(group, List.of(uploadedKeyPackage(carol)), List.of());

        // when
        Response response = addMembers(
                alice,
                groupIdText(groupBytes),
                GatewayApp.JSON.writeValueAsString(
                        Map.of("epoch", 0, "commit", b64(addBob.commit()), "welcome", b64(addCarol.welcome()))));

        // then
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.problemType()).endsWith("/welcome-mismatch");
        assertThat(commandsOf(groupIdText(groupBytes))).isEmpty();
    }

    @Test
    void shouldAnswerWithTheReplyGroupFanoutWritesToThisNodesPartition() throws Exception {
        // given: a valid add commit, waiting for its verdict
        MlsDevice alice = device(GatewayApp.unique("alice"), 1);
        String bobId = GatewayApp.unique("bob");
        MlsDevice bob1 = device(bobId, 1);
        MlsDevice bob2 = device(bobId, 2);
        byte[] groupBytes = newGroupId();
        String groupId = groupIdText(groupBytes);
        List<KeyPackage> keyPackages = List.of(uploadedKeyPackage(bob1), uploadedKeyPackage(bob2));
        MlsTestDevice.Bundle bundle = MlsTestDevice.commit(alice.mls().createGroup(groupBytes), keyPackages, List.of());
        CompletableFuture<Response> pending =
                CompletableFuture.supplyAsync(() -> addMembers(alice, groupId, addBody(0, bundle)));

        // when: group-fanout's verdict arrives on group.replies
        GroupCommand command = awaitCommand(groupId);
        reply(GroupReply.newBuilder()
                .setRequestId(command.getRequestId())
                .setGroupId(groupId)
                .setStatus(200)
                .setEpoch(1)
                .build());
        Response response = pending.get();

        // then: the produced command is what group-fanout needs
        assertThat(command.getActorUserId()).isEqualTo(alice.device().userId());
        assertThat(command.getActorDeviceId()).isEqualTo(alice.device().deviceId());
        assertThat(command.getReplyPartition()).isZero();
        CommitBundle commit = (CommitBundle) command.getCommand();
        assertThat(commit.getKind()).isEqualTo(CommitKind.ADD);
        assertThat(commit.getEpoch()).isZero();
        assertThat(commit.getCommitHash().array())
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(bundle.commit()));
        assertThat(commit.getAdded())
                .extracting(added -> added.getUserId() + "." + added.getDeviceId())
                .containsExactly(bob1.device().address(), bob2.device().address());
        assertThat(commit.getAdded().get(0).getKeyPackageRef().array()).isEqualTo(KeyPackages.ref(keyPackages.get(0)));
        assertThat(commit.getWelcome().array()).isEqualTo(bundle.welcome());
        // and the Commit and Welcome were stored once, under the keys the command names for group-fanout's copies
        assertThat(commit.getCommitRef()).isEqualTo(GroupPayloads.ref(bundle.commit()));
        assertThat(commit.getWelcomeRef()).isEqualTo(GroupPayloads.ref(bundle.welcome()));
        assertThat(storedPayload(commit.getCommitRef())).isEqualTo(bundle.commit());
        assertThat(storedPayload(commit.getWelcomeRef())).isEqualTo(bundle.welcome());
        // and the HTTP answer is the reply's
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("epoch").asLong()).isEqualTo(1);
        assertThat(response.json().get("added"))
                .extracting(node -> node.get("deviceId").asInt())
                .containsExactly(bob1.device().deviceId(), bob2.device().deviceId());
    }

    @Test
    void shouldAnswerARefusalAsItsProblemWithTheCurrentEpoch() throws Exception {
        // given: a create waiting for its verdict
        MlsDevice alice = device(GatewayApp.unique("alice"), 1);
        String groupId = groupIdText(newGroupId());
        CompletableFuture<Response> pending = CompletableFuture.supplyAsync(() -> app.post(
                "/api/v1/groups/create/" + alice.device().userId(),
                alice.device().authorization(),
                "{\"groupId\": \"" + groupId + "\", \"cipherSuite\": 1}"));

        // when
        GroupCommand command = awaitCommand(groupId);
        reply(GroupReply.newBuilder()
                .setRequestId(command.getRequestId())
                .setGroupId(groupId)
                .setStatus(409)
                .setProblemType("stale-epoch")
                .setDetail("the group is at epoch 7")
                .setEpoch(7)
                .build());
        Response response = pending.get();

        // then
        assertThat(command.getCommand()).isInstanceOf(CreateGroup.class);
        assertThat(response.status()).isEqualTo(409);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.problemType()).endsWith("/stale-epoch");
        assertThat(response.json().get("epoch").asLong()).isEqualTo(7);
        assertThat(response.json().get("detail").asString()).isEqualTo("the group is at epoch 7");
    }

    @Test
    void shouldSendAnApplicationMessageWithADeterministicMessageId() throws Exception {
        // given: a message of alice's group at epoch 0
        MlsDevice alice = device(GatewayApp.unique("alice"), 1);
        byte[] groupBytes = newGroupId();
        String groupId = groupIdText(groupBytes);
        byte[] message = MlsTestDevice.applicationMessage(alice.mls().createGroup(groupBytes), "hi");
        CompletableFuture<Response> pending = CompletableFuture.supplyAsync(() -> app.post(
                "/api/v1/groups/" + groupId + "/send/" + alice.device().userId(),
                alice.device().authorization(),
                GatewayApp.JSON.writeValueAsString(Map.of("message", b64(message), "idempotencyKey", "k-1"))));

        // when
        GroupCommand command = awaitCommand(groupId);
        reply(GroupReply.newBuilder()
                .setRequestId(command.getRequestId())
                .setGroupId(groupId)
                .setStatus(201)
                .setEpoch(0)
                .setAttributes(Map.of("recipientDevices", "3"))
                .build());
        Response response = pending.get();

        // then
        GroupMessage sent = (GroupMessage) command.getCommand();
        String expectedId = MessageIds.derive(
                        new DeviceAddress(
                                alice.device().userId(), alice.device().deviceId()),
                        "k-1")
                .toString();
        assertThat(sent.getMessageId()).isEqualTo(expectedId);
        assertThat(sent.getEpoch()).isZero();
        assertThat(sent.getContent().array()).isEqualTo(message);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        assertThat(response.json().get("messageId").asString()).isEqualTo(expectedId);
        assertThat(response.json().get("epoch").asLong()).isZero();
        assertThat(response.json().get("recipientDevices").asInt()).isEqualTo(3);
    }

    static Response sendToGroup(MlsDevice sender, String groupId, byte[] message, String idempotencyKey) {
        Map<String, Object> body = new HashMap<>();
        body.put("message", b64(message));
        if (idempotencyKey != null) {
            body.put("idempotencyKey", idempotencyKey);
        }
        return app.post(
                "/api/v1/groups/" + groupId + "/send/" + sender.device().userId(),
                sender.device().authorization(),
                GatewayApp.JSON.writeValueAsString(body));
    }

    static GroupReply accepted(GroupCommand command, String groupId) {
        return GroupReply.newBuilder()
                .setRequestId(command.getRequestId())
                .setGroupId(groupId)
                .setStatus(201)
                .setEpoch(0)
                .setAttributes(Map.of("recipientDevices", "3"))
                .build();
    }

    @Test
    void shouldAnswerARetriedGroupSendWithoutAKeyFromTheFirstAnswerWithoutANewCommand() throws Exception {
        // given an accepted group send without an idempotency key
        MlsDevice alice = device(GatewayApp.unique("alice"), 1);
        byte[] groupBytes = newGroupId();
        String groupId = groupIdText(groupBytes);
        byte[] message = MlsTestDevice.applicationMessage(alice.mls().createGroup(groupBytes), "hi");
        CompletableFuture<Response> pending =
                CompletableFuture.supplyAsync(() -> sendToGroup(alice, groupId, message, null));
        reply(accepted(awaitCommand(groupId), groupId));
        Response first = pending.get();

        // when the client retries it (its answer was lost)
        Response retry = sendToGroup(alice, groupId, message, null);

        // then: one command, so group-fanout fans it out once: one copy per device
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(retry.status()).as(retry.body()).isEqualTo(201);
        assertThat(retry.json()).isEqualTo(first.json());
        assertThat(commandsOf(groupId)).hasSize(1);
    }

    @Test
    void shouldGiveAGroupSendResentAfterATimeoutTheSameMessageId() throws Exception {
        // given a group send without a key that got no verdict in time (503: it may still be applied)
        MlsDevice alice = device(GatewayApp.unique("alice"), 1);
        byte[] groupBytes = newGroupId();
        String groupId = groupIdText(groupBytes);
        byte[] message = MlsTestDevice.applicationMessage(alice.mls().createGroup(groupBytes), "hi");
        Response timedOut = sendToGroup(alice, groupId, message, null);

        // when the client resends the same bytes
        CompletableFuture<Response> pending =
                CompletableFuture.supplyAsync(() -> sendToGroup(alice, groupId, message, null));
        List<KafkaRecords.Keyed<GroupCommand>> commands = KafkaRecords.await(
                kafka, Topics.GROUP_COMMANDS, record -> record.key().equals(groupId), 2);
        reply(accepted(commands.get(1).value(), groupId));
        Response resent = pending.get();

        // then both commands carry one messageId, which each device queue keeps once
        assertThat(timedOut.status()).isEqualTo(503);
        assertThat(resent.status()).as(resent.body()).isEqualTo(201);
        assertThat(commands)
                .extracting(command -> ((GroupMessage) command.value().getCommand()).getMessageId())
                .containsOnly(resent.json().get("messageId").asString());
    }

    @Test
    void shouldRefuseAnotherGroupMessageUnderAUsedKeyWithoutACommand() throws Exception {
        // given an accepted group send with key k-1
        MlsDevice alice = device(GatewayApp.unique("alice"), 1);
        byte[] groupBytes = newGroupId();
        String groupId = groupIdText(groupBytes);
        Group group = alice.mls().createGroup(groupBytes);
        byte[] first = MlsTestDevice.applicationMessage(group, "first");
        byte[] second = MlsTestDevice.applicationMessage(group, "second");
        CompletableFuture<Response> pending =
                CompletableFuture.supplyAsync(() -> sendToGroup(alice, groupId, first, "k-1"));
        reply(accepted(awaitCommand(groupId), groupId));
        Response accepted = pending.get();

        // when
        Response reused = sendToGroup(alice, groupId, second, "k-1");
        Response sameAgain = sendToGroup(alice, groupId, first, "k-1");

        // then
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(201);
        assertThat(reused.status()).as(reused.body()).isEqualTo(422);
        assertThat(reused.contentType()).startsWith("application/problem+json");
        assertThat(reused.problemType()).endsWith("/idempotency-key-reused");
        assertThat(sameAgain.json()).isEqualTo(accepted.json());
        assertThat(commandsOf(groupId)).hasSize(1);
    }

    @Test
    void shouldAcceptAMessageEncryptedAgainUnderTheKeyOfAStaleEpochRefusal() throws Exception {
        // given a group send with key k-1 refused 409 stale-epoch
        MlsDevice alice = device(GatewayApp.unique("alice"), 1);
        byte[] groupBytes = newGroupId();
        String groupId = groupIdText(groupBytes);
        Group group = alice.mls().createGroup(groupBytes);
        byte[] stale = MlsTestDevice.applicationMessage(group, "hi");
        byte[] again = MlsTestDevice.applicationMessage(group, "hi");
        CompletableFuture<Response> pending =
                CompletableFuture.supplyAsync(() -> sendToGroup(alice, groupId, stale, "k-1"));
        reply(GroupReply.newBuilder()
                .setRequestId(awaitCommand(groupId).getRequestId())
                .setGroupId(groupId)
                .setStatus(409)
                .setProblemType("stale-epoch")
                .setDetail("the group is at epoch 1")
                .setEpoch(1)
                .build());
        Response refused = pending.get();

        // when the client encrypts again and retries with the same key
        pending = CompletableFuture.supplyAsync(() -> sendToGroup(alice, groupId, again, "k-1"));
        List<KafkaRecords.Keyed<GroupCommand>> commands = KafkaRecords.await(
                kafka, Topics.GROUP_COMMANDS, record -> record.key().equals(groupId), 2);
        reply(accepted(commands.get(1).value(), groupId));
        Response retried = pending.get();

        // then
        assertThat(refused.status()).isEqualTo(409);
        assertThat(retried.status()).as(retried.body()).isEqualTo(201);
        assertThat(commands).hasSize(2);
    }

    @Test
    void shouldSendLeaveGroupWhenAUserRemovesItself() throws Exception {
        // given
        MlsDevice bob = device(GatewayApp.unique("bob"), 1);
        String groupId = groupIdText(newGroupId());
        CompletableFuture<Response> pending = CompletableFuture.supplyAsync(() -> app.delete(
                "/api/v1/groups/" + groupId + "/members/" + bob.device().userId() + "/"
                        + bob.device().userId(),
                bob.device().authorization()));

        // when
        GroupCommand command = awaitCommand(groupId);
        reply(GroupReply.newBuilder()
                .setRequestId(command.getRequestId())
                .setGroupId(groupId)
                .setStatus(200)
                .setEpoch(4)
                .build());
        Response response = pending.get();

        // then
        assertThat(command.getCommand()).isInstanceOf(LeaveGroup.class);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("epoch").asLong()).isEqualTo(4);
    }

    @Test
    void shouldSendARemoveCommitForAnotherUsersLeaves() throws Exception {
        // given: alice's group with bob at leaf 1 and carol at leaf 2, and alice's commit removing bob
        MlsDevice alice = device(GatewayApp.unique("alice"), 1);
        MlsDevice bob = device(GatewayApp.unique("bob"), 1);
        MlsDevice carol = device(GatewayApp.unique("carol"), 1);
        byte[] groupBytes = newGroupId();
        String groupId = groupIdText(groupBytes);
        MlsTestDevice.Bundle added = MlsTestDevice.commit(
                alice.mls().createGroup(groupBytes),
                List.of(uploadedKeyPackage(bob), uploadedKeyPackage(carol)),
                List.of());
        MlsTestDevice.Bundle removal = MlsTestDevice.commit(added.next(), List.of(), List.of(1));
        String path = "/api/v1/groups/" + groupId + "/members/" + bob.device().userId() + "/"
                + alice.device().userId();
        String body = GatewayApp.JSON.writeValueAsString(
                Map.of("epoch", 1, "commit", b64(removal.commit()), "groupInfo", b64(removal.groupInfo())));
        Response addAsRemoval = app.send(app.request(path, alice.device().authorization())
                .header("Content-Type", "application/json")
                .method(
                        "DELETE",
                        java.net.http.HttpRequest.BodyPublishers.ofString(GatewayApp.JSON.writeValueAsString(
                                Map.of("epoch", 0, "commit", b64(added.commit()))))));
        Response withoutBody = app.delete(path, alice.device().authorization());
        CompletableFuture<Response> pending = CompletableFuture.supplyAsync(
                () -> app.send(app.request(path, alice.device().authorization())
                        .header("Content-Type", "application/json")
                        .method("DELETE", java.net.http.HttpRequest.BodyPublishers.ofString(body))));

        // when
        GroupCommand command = awaitCommand(groupId);
        reply(GroupReply.newBuilder()
                .setRequestId(command.getRequestId())
                .setGroupId(groupId)
                .setStatus(200)
                .setEpoch(2)
                .build());
        Response response = pending.get();

        // then
        assertThat(addAsRemoval.status()).as(addAsRemoval.body()).isEqualTo(422);
        assertThat(addAsRemoval.problemType()).endsWith("/invalid-mls-message");
        assertThat(withoutBody.status()).isEqualTo(400);
        CommitBundle commit = (CommitBundle) command.getCommand();
        assertThat(commit.getKind()).isEqualTo(CommitKind.REMOVE);
        assertThat(commit.getRemovedUserId()).isEqualTo(bob.device().userId());
        assertThat(commit.getRemovedLeaves()).containsExactly(1);
        assertThat(commit.getEpoch()).isEqualTo(1);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("epoch").asLong()).isEqualTo(2);
    }

    @Test
    void shouldAnswerServiceUnavailableWithoutAReply() {
        // given: no group-fanout answers in this test
        MlsDevice alice = device(GatewayApp.unique("alice"), 1);
        String groupId = groupIdText(newGroupId());

        // when
        long started = System.nanoTime();
        Response response = app.post(
                "/api/v1/groups/create/" + alice.device().userId(),
                alice.device().authorization(),
                "{\"groupId\": \"" + groupId + "\", \"cipherSuite\": 1}");

        // then
        assertThat(response.status()).as(response.body()).isEqualTo(503);
        assertThat(response.problemType()).endsWith("/group-service-unavailable");
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(3_900);
        assertThat(commandsOf(groupId)).hasSize(1);
    }

    @Test
    void shouldRefuseBadGroupIdsAndCipherSuites() {
        // given
        MlsDevice alice = device(GatewayApp.unique("alice"), 1);
        String path = "/api/v1/groups/create/" + alice.device().userId();

        // when
        List<Response> responses = new ArrayList<>();
        responses.add(app.post(path, alice.device().authorization(), "{\"groupId\": \"a+b/\", \"cipherSuite\": 1}"));
        responses.add(app.post(path, alice.device().authorization(), "{\"groupId\": \"\", \"cipherSuite\": 1}"));
        responses.add(app.post(
                path,
                alice.device().authorization(),
                "{\"groupId\": \"" + groupIdText(new byte[65]) + "\", \"cipherSuite\": 1}"));
        Response suite = app.post(
                path,
                alice.device().authorization(),
                "{\"groupId\": \"" + groupIdText(newGroupId()) + "\", \"cipherSuite\": 2}");

        // then
        assertThat(responses)
                .allSatisfy(response -> assertThat(response.status()).isEqualTo(400));
        assertThat(suite.status()).isEqualTo(422);
        assertThat(suite.problemType()).endsWith("/unsupported-cipher-suite");
    }

    @Test
    void shouldSweepStoredPayloadsLastStoredLongerThanTheRetentionAgo() throws Exception {
        // given: one payload stored 40 days ago, one just now (the retention is 31 days)
        byte[] old = ("old " + GatewayApp.unique("payload")).getBytes(StandardCharsets.UTF_8);
        byte[] fresh = ("fresh " + GatewayApp.unique("payload")).getBytes(StandardCharsets.UTF_8);
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO group_payloads (ref, content, stored_at) VALUES (?, ?, now() - ?::interval)")) {
            for (Object[] row : List.of(new Object[] {old, "40 days"}, new Object[] {fresh, "0 days"})) {
                insert.setString(1, GroupPayloads.ref((byte[]) row[0]));
                insert.setBytes(2, (byte[]) row[0]);
                insert.setString(3, (String) row[1]);
                insert.executeUpdate();
            }
        }

        // when
        Long swept =
                app.bean(GroupPayloads.class).sweep(java.time.Instant.now()).block();

        // then
        assertThat(swept).isPositive();
        assertThat(storedPayload(GroupPayloads.ref(old))).isNull();
        assertThat(storedPayload(GroupPayloads.ref(fresh))).isEqualTo(fresh);
    }

    /** The bytes of the payload store's row {@code ref}; null when there is none. */
    private static byte[] storedPayload(String ref) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                PreparedStatement query =
                        connection.prepareStatement("SELECT content FROM group_payloads WHERE ref = ?")) {
            query.setString(1, ref);
            try (ResultSet result = query.executeQuery()) {
                return result.next() ? result.getBytes(1) : null;
            }
        }
    }
}
