package io.socialink.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.socialink.client.api.GroupMember;
import io.socialink.client.api.ProblemException;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.mls.GroupIds;
import io.socialink.client.mls.GroupMessage;
import io.socialink.client.mls.MlsDevice;
import io.socialink.client.mls.MlsInbox;
import io.socialink.client.socket.Envelope;
import io.socialink.client.socket.ServerFrame;
import io.socialink.schemas.avro.CommandRejected;
import io.socialink.schemas.avro.CommitAccepted;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.GroupEvent;
import io.socialink.schemas.topics.Topic;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MLS groups end to end: real bcmls clients, the real gateway, group-fanout and delivery-worker as separate JVMs.
 * Every device of a group decrypts every other device's messages; a removed member's devices get nothing more and
 * are refused; two commits on one epoch end with one winner and a loser that rebuilds on top of it; a non-member
 * can neither send nor read; bad MLS input is refused without any effect; a member that leaves is removed by the
 * others' next commit.
 */
@ExtendWith(SharedLocalSystem.class)
class GroupMessagingIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static LocalSystem system;
    private static SocialinkClient client;
    private static KafkaTestEnv kafka;
    private final List<MlsDevice> devices = new ArrayList<>();

    @BeforeAll
    static void useSharedSystem(LocalSystem shared, KafkaTestEnv kafkaEnv) {
        kafka = kafkaEnv;
        system = shared;
        client = system.client();
    }

    @AfterEach
    void closeDevices() {
        devices.forEach(MlsDevice::close);
    }

    @Test
    void shouldLetEveryDeviceOfAThreeMemberGroupDecryptEveryOtherDevicesMessages() throws Exception {
        // given three users with two devices each, all in one group made by one commit
        String alice = user("alice");
        String bob = user("bob");
        String carol = user("carol");
        MlsDevice alice1 = device(alice);
        List<MlsDevice> all = List.of(alice1, device(alice), device(bob), device(bob), device(carol), device(carol));
        String group = GroupIds.random();
        alice1.groups().create(group);
        alice1.groups().add(group, List.of(alice, bob, carol));
        for (MlsDevice device : all.subList(1, all.size())) {
            assertThat(device.inbox().awaitJoined(group, WAIT))
                    .as("%s joined", device)
                    .isTrue();
        }

        // when every device sends one message
        for (MlsDevice device : all) {
            device.groups().send(group, text("from " + device.address()));
        }

        // then every device decrypted the five messages of the others, and nothing failed
        for (MlsDevice device : all) {
            List<String> expected = all.stream()
                    .filter(other -> other != device)
                    .map(other -> "from " + other.address())
                    .toList();
            assertThat(device.inbox().awaitTexts(group, expected.size(), WAIT))
                    .as("what %s decrypted", device)
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(device.inbox().undecryptable())
                    .as("%s undecryptable", device)
                    .isEmpty();
            assertThat(device.groups().epoch(group)).hasValue(1);
        }
        List<GroupMember> members = awaitMembers(alice1, group, 3);
        assertThat(members).extracting(GroupMember::userId).containsExactlyInAnyOrder(alice, bob, carol);
        assertThat(members).allSatisfy(member -> assertThat(member.devices()).hasSize(2));
    }

    @Test
    void shouldSendTheWelcomeByReferenceAndLetAnOfflineDeviceJoinFromItThroughTheQueueApi() throws Exception {
        // given: bob's device has KeyPackages but no socket
        String alice = user("alice");
        String bob = user("bob");
        MlsDevice alice1 = device(alice);
        MlsDevice bob1 = new MlsDevice(client, client.register(bob, 1), new MlsInbox());
        devices.add(bob1);
        bob1.groups().publishKeyPackages(1);
        String group = GroupIds.random();
        alice1.groups().create(group);

        // when alice adds him, and he reads his queue through the REST API
        alice1.groups().add(group, List.of(bob));
        List<ServerFrame> head = List.of();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (head.isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(250);
            head = client.queue(bob1.credentials(), 10);
        }
        for (ServerFrame frame : head) {
            if (frame instanceof Envelope envelope) {
                bob1.groups().handle(envelope);
            }
        }

        // then the Welcome the gateway rendered from its payload store lets him join at the commit's epoch
        assertThat(head).singleElement().isInstanceOf(Envelope.class);
        assertThat(bob1.groups().awaitGroup(group, WAIT)).isTrue();
        assertThat(bob1.groups().epoch(group)).hasValue(1);
        // and the copy in device.deliveries carried the payload's key, not its bytes
        List<Delivery> copies = records(
                Topics.DEVICE_DELIVERIES,
                delivery -> group.equals(delivery.getGroupId())
                        && delivery.getRecipientUserId().equals(bob),
                1);
        assertThat(copies).singleElement().satisfies(copy -> {
            assertThat(copy.getCiphertextType()).isEqualTo(12);
            assertThat(copy.getContentRef()).hasSize(43);
            assertThat(copy.getContent().remaining()).isZero();
        });
    }

    @Test
    void shouldDeliverNothingMoreToARemovedMemberAndRefuseItsSendsAndReads() throws Exception {
        // given a group of alice, bob and carol (two devices), then carol removed by alice
        String alice = user("alice");
        String bob = user("bob");
        String carol = user("carol");
        MlsDevice alice1 = device(alice);
        MlsDevice bob1 = device(bob);
        MlsDevice carol1 = device(carol);
        MlsDevice carol2 = device(carol);
        String group = GroupIds.random();
        alice1.groups().create(group);
        alice1.groups().add(group, List.of(bob, carol));
        for (MlsDevice device : List.of(bob1, carol1, carol2)) {
            assertThat(device.inbox().awaitJoined(group, WAIT)).isTrue();
        }
        bob1.groups().send(group, text("before removal"));
        assertThat(carol1.inbox().awaitText(group, "before removal", WAIT)).isTrue();
        assertThat(alice1.inbox().awaitText(group, "before removal", WAIT)).isTrue();
        GroupMessage captured = alice1.inbox().messages().get(0);

        // when
        alice1.groups().remove(group, carol);

        // then carol's devices learn of it from the commit and the others go on without them
        assertThat(carol1.inbox().awaitDeparture(group, WAIT)).isNotNull();
        assertThat(carol2.inbox().awaitDeparture(group, WAIT)).isNotNull();
        assertThat(bob1.inbox().await(() -> bob1.groups().epoch(group).orElse(0) == 2, WAIT))
                .isTrue();
        bob1.groups().send(group, text("after removal"));
        assertThat(alice1.inbox().awaitText(group, "after removal", WAIT)).isTrue();
        TimeUnit.SECONDS.sleep(2);
        for (MlsDevice device : List.of(carol1, carol2)) {
            assertThat(device.inbox().texts(group)).as("%s", device).doesNotContain("after removal");
            assertThat(device.inbox().undecryptable())
                    .as("%s got ciphertext it cannot read", device)
                    .isEmpty();
        }

        // and the server refuses carol: a replayed real ciphertext of the group, and the group reads
        byte[] ciphertext = captured.envelope().content();
        assertProblem(
                () -> client.sendGroupMessage(carol1.credentials(), group, ciphertext, null, null),
                403,
                "not-a-member");
        assertProblem(() -> client.group(carol1.credentials(), group), 403, "not-a-member");
        assertProblem(() -> client.groupMembers(carol2.credentials(), group), 403, "not-a-member");
    }

    @Test
    void shouldAcceptOneOfTwoCommitsOnTheSameEpochAndLetTheLoserRebuildOnTheWinner() throws Exception {
        // given alice (admin) and bob in a group at epoch 1; bob offline, so he cannot learn of alice's commit
        String alice = user("alice");
        String bob = user("bob");
        MlsDevice alice1 = device(alice);
        MlsDevice bob1 = device(bob);
        String group = GroupIds.random();
        alice1.groups().create(group);
        alice1.groups().add(group, List.of(bob));
        assertThat(bob1.inbox().awaitJoined(group, WAIT)).isTrue();
        bob1.socket().close();

        // when alice commits on epoch 1 first, then bob commits on epoch 1 too and reconnects a moment later
        assertThat(alice1.groups().update(group)).isEqualTo(2);
        CompletableFuture<Void> reconnect = CompletableFuture.runAsync(() -> {
            sleep(1_000);
            bob1.connect();
        });
        long bobsEpoch = bob1.groups().update(group);
        reconnect.get(30, TimeUnit.SECONDS);

        // then bob's first commit lost with stale-epoch, his rebuilt one won epoch 2 -> 3
        assertThat(bobsEpoch).isEqualTo(3);
        List<GroupEvent> events = groupEvents(group, 5);
        assertThat(events)
                .filteredOn(event -> event.getEvent() instanceof CommitAccepted)
                .extracting(GroupEvent::getEpoch, GroupEvent::getActorUserId)
                .containsExactly(tuple(1L, alice), tuple(2L, alice), tuple(3L, bob));
        assertThat(events)
                .filteredOn(event -> event.getEvent() instanceof CommandRejected)
                .singleElement()
                .satisfies(event -> {
                    assertThat(event.getActorUserId()).isEqualTo(bob);
                    assertThat(((CommandRejected) event.getEvent()).getProblemType())
                            .isEqualTo("stale-epoch");
                });

        // and both sides are in epoch 3 and read each other
        assertThat(alice1.inbox().await(() -> alice1.groups().epoch(group).orElse(0) == 3, WAIT))
                .isTrue();
        alice1.groups().send(group, text("after the race"));
        bob1.groups().send(group, text("rebuilt and fine"));
        assertThat(bob1.inbox().awaitText(group, "after the race", WAIT)).isTrue();
        assertThat(alice1.inbox().awaitText(group, "rebuilt and fine", WAIT)).isTrue();
    }

    @Test
    void shouldRefuseANonMembersSendsAndReads() throws Exception {
        // given a group of alice and bob, and dave who is not in it
        String alice = user("alice");
        String bob = user("bob");
        MlsDevice alice1 = device(alice);
        MlsDevice bob1 = device(bob);
        MlsDevice dave1 = device(user("dave"));
        String group = GroupIds.random();
        alice1.groups().create(group);
        alice1.groups().add(group, List.of(bob));
        assertThat(bob1.inbox().awaitJoined(group, WAIT)).isTrue();
        bob1.groups().send(group, text("members only"));
        assertThat(alice1.inbox().awaitText(group, "members only", WAIT)).isTrue();
        byte[] membersCiphertext = alice1.inbox().messages().get(0).envelope().content();

        // then dave can neither post the group's real ciphertext as his own nor read the group
        assertProblem(
                () -> client.sendGroupMessage(dave1.credentials(), group, membersCiphertext, null, null),
                403,
                "not-a-member");
        assertProblem(() -> client.group(dave1.credentials(), group), 403, "not-a-member");
        assertProblem(() -> client.groupMembers(dave1.credentials(), group), 403, "not-a-member");
        TimeUnit.SECONDS.sleep(1);
        assertThat(bob1.inbox().messages()).isEmpty();
        assertThat(alice1.inbox().texts(group)).containsExactly("members only");
    }

    @Test
    void shouldRefuseBadMlsInputWithoutFanningOutOrChangingTheGroup() throws Exception {
        // given alice and bob in a group at epoch 1, and a real message of that group and of another one
        String alice = user("alice");
        String bob = user("bob");
        MlsDevice alice1 = device(alice);
        MlsDevice bob1 = device(bob);
        String group = GroupIds.random();
        String other = GroupIds.random();
        alice1.groups().create(group);
        alice1.groups().add(group, List.of(bob));
        alice1.groups().create(other);
        alice1.groups().add(other, List.of(bob));
        assertThat(bob1.inbox().awaitJoined(group, WAIT)).isTrue();
        assertThat(bob1.inbox().awaitJoined(other, WAIT)).isTrue();
        alice1.groups().send(group, text("real"));
        alice1.groups().send(other, text("elsewhere"));
        assertThat(bob1.inbox().awaitText(group, "real", WAIT)).isTrue();
        assertThat(bob1.inbox().awaitText(other, "elsewhere", WAIT)).isTrue();
        byte[] real = bob1.inbox().messages().get(0).envelope().content();
        byte[] otherGroups = bob1.inbox().messages().get(1).envelope().content();
        int received = bob1.inbox().messages().size();

        // then truncated bytes, non-MLS bytes, another group's message, an epoch far ahead and a truncated commit
        // are refused with a problem type
        assertProblem(
                () -> client.sendGroupMessage(
                        alice1.credentials(), group, Arrays.copyOf(real, real.length / 2), null, null),
                422,
                "invalid-mls-message");
        assertProblem(
                () -> client.sendGroupMessage(alice1.credentials(), group, text("not mls at all"), null, null),
                422,
                "invalid-mls-message");
        assertProblem(
                () -> client.sendGroupMessage(alice1.credentials(), group, otherGroups, null, null),
                422,
                "invalid-mls-message");
        assertProblem(
                () -> client.sendGroupMessage(alice1.credentials(), group, withEpoch(real, 1_000), null, null),
                422,
                "invalid-epoch");
        byte[] truncated = Arrays.copyOf(real, 20);
        assertProblem(
                () -> client.commitGroup(alice1.credentials(), group, 1, truncated, truncated),
                422,
                "invalid-mls-message");

        // and nothing was fanned out, the group is unchanged and still works
        TimeUnit.SECONDS.sleep(1);
        assertThat(bob1.inbox().messages()).hasSize(received);
        assertThat(bob1.inbox().undecryptable()).isEmpty();
        assertThat(client.group(alice1.credentials(), group).epoch()).isEqualTo(1);
        alice1.groups().send(group, text("still fine"));
        assertThat(bob1.inbox().awaitText(group, "still fine", WAIT)).isTrue();
    }

    @Test
    void shouldRemoveAMemberWhoLeftWithTheNextCommitOfTheOthers() throws Exception {
        // given alice, bob and carol in a group
        String alice = user("alice");
        String bob = user("bob");
        String carol = user("carol");
        MlsDevice alice1 = device(alice);
        MlsDevice bob1 = device(bob);
        MlsDevice carol1 = device(carol);
        String group = GroupIds.random();
        alice1.groups().create(group);
        alice1.groups().add(group, List.of(bob, carol));
        assertThat(bob1.inbox().awaitJoined(group, WAIT)).isTrue();
        assertThat(carol1.inbox().awaitJoined(group, WAIT)).isTrue();

        // when carol leaves
        carol1.groups().leave(group);

        // then the others hear of it, a commit removes her leaf, and later messages do not reach her
        assertThat(alice1.inbox().await(() -> alice1.inbox().membersLeft().contains(group + ":" + carol), WAIT))
                .isTrue();
        assertThat(bob1.inbox().await(() -> bob1.groups().epoch(group).orElse(0) >= 2, WAIT))
                .as("a commit removed the leaf of the member who left")
                .isTrue();
        assertThat(alice1.inbox().await(() -> alice1.groups().epoch(group).orElse(0) >= 2, WAIT))
                .isTrue();
        bob1.groups().send(group, text("after carol left"));
        assertThat(alice1.inbox().awaitText(group, "after carol left", WAIT)).isTrue();
        TimeUnit.SECONDS.sleep(1);
        assertThat(carol1.inbox().texts(group)).doesNotContain("after carol left");
        assertThat(awaitMembers(alice1, group, 2))
                .extracting(GroupMember::userId)
                .containsExactlyInAnyOrder(alice, bob);
    }

    private MlsDevice device(String userId) {
        MlsDevice device = MlsDevice.online(client, userId);
        devices.add(device);
        return device;
    }

    private static String user(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The projection follows group.events asynchronously: wait until it shows {@code users} members. */
    private static List<GroupMember> awaitMembers(MlsDevice as, String group, int users) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<GroupMember> members = List.of();
        while (System.nanoTime() < deadline) {
            members = client.groupMembers(as.credentials(), group);
            if (members.size() == users) {
                return members;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return members;
    }

    /** The group's events from its event store, once at least {@code atLeast} of them are there. */
    private static List<GroupEvent> groupEvents(String group, int atLeast) throws InterruptedException {
        return records(Topics.GROUP_EVENTS, event -> event.getGroupId().equals(group), atLeast);
    }

    /** The values of {@code topic} that {@code match}, read from its beginning, once there are {@code atLeast}. */
    private static <V> List<V> records(Topic<String, V> topic, Predicate<V> match, int atLeast)
            throws InterruptedException {
        String name = kafka.layout().name(topic);
        List<V> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(kafka.consumerProperties("group-it-" + UUID.randomUUID()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(name).stream()
                    .map(info -> new TopicPartition(name, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    V value = topic.valueSerde().deserializer().deserialize(name, record.value());
                    if (match.test(value)) {
                        values.add(value);
                    }
                }
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                boolean atEnd = partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
                if (atEnd && values.size() >= atLeast) {
                    return values;
                }
            }
        }
        return values;
    }

    /**
     * The same PrivateMessage with another epoch in its framing (u16 version, u16 wire format, varint-length group
     * id, u64 epoch): the server reads the framing, only members could tell that the content no longer fits it.
     */
    private static byte[] withEpoch(byte[] privateMessage, long epoch) {
        byte[] copy = privateMessage.clone();
        int offset = 4;
        int length = copy[offset] & 0xff;
        int prefix = length >> 6;
        int groupIdLength;
        int lengthBytes;
        if (prefix == 0) {
            groupIdLength = length & 0x3f;
            lengthBytes = 1;
        } else {
            groupIdLength = ((length & 0x3f) << 8) | (copy[offset + 1] & 0xff);
            lengthBytes = 2;
        }
        ByteBuffer.wrap(copy, offset + lengthBytes + groupIdLength, 8).putLong(epoch);
        return copy;
    }

    private static void assertProblem(Runnable call, int status, String type) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ProblemException.class, problem -> {
            assertThat(problem.status()).isEqualTo(status);
            assertThat(problem.name()).isEqualTo(type);
        });
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
