package io.socialink.client.mls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.client.api.ProblemException;
import io.socialink.client.mls.FakeGroupServer.Device;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real bcmls between several in-process devices, with {@link FakeGroupServer} as the Delivery Service: one Commit per
 * epoch, fan-out through per-device ordered delivery threads.
 */
class MlsGroupsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String GROUP = GroupIds.fromName("team");

    private FakeGroupServer server;

    @BeforeEach
    void startServer() {
        server = new FakeGroupServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void shouldLetEveryDeviceDecryptEveryMessageAfterOneCommitAddedTwoUsersWithTwoDevicesEach() throws Exception {
        // given alice's device and bob and carol with two devices each
        Device alice = server.device("alice", 3);
        List<Device> others = List.of(
                server.device("bob", 3), server.device("bob", 3), server.device("carol", 3), server.device("carol", 3));
        alice.groups.create(GROUP);

        // when alice adds both users in one commit
        long epoch = alice.groups.add(GROUP, List.of("bob", "carol"));

        // then all four devices join through the Welcome of that one commit
        assertThat(epoch).isEqualTo(1);
        assertThat(server.epoch(GROUP)).isEqualTo(1);
        for (Device device : others) {
            assertThat(device.groups.awaitGroup(GROUP, WAIT))
                    .as(device.address())
                    .isTrue();
            assertThat(device.groups.epoch(GROUP)).hasValue(1);
            assertThat(device.groups.members(GROUP)).containsExactly("alice.1", "bob.1", "bob.2", "carol.1", "carol.2");
        }
        // and every device decrypts every other device's message
        List<Device> all = new ArrayList<>(others);
        all.add(0, alice);
        for (Device sender : all) {
            sender.groups.send(GROUP, ("hello from " + sender.address()).getBytes(StandardCharsets.UTF_8));
        }
        for (Device receiver : all) {
            for (Device sender : all) {
                if (sender != receiver) {
                    assertThat(receiver.inbox.awaitText(GROUP, "hello from " + sender.address(), WAIT))
                            .as(receiver.address() + " <- " + sender.address())
                            .isTrue();
                }
            }
            assertThat(receiver.inbox.undecryptable()).isEmpty();
        }
        GroupMessage message = others.get(0).inbox.messages().get(0);
        assertThat(message.groupId()).isEqualTo(GROUP);
        assertThat(message.epoch()).isEqualTo(1);
    }

    @Test
    void shouldStopARemovedUsersDevicesFromDecryptingLaterMessages() throws Exception {
        // given a group of alice, bob (two devices) and carol
        Device alice = server.device("alice", 3);
        Device bob1 = server.device("bob", 3);
        Device bob2 = server.device("bob", 3);
        Device carol = server.device("carol", 3);
        alice.groups.create(GROUP);
        alice.groups.add(GROUP, List.of("bob", "carol"));
        awaitEpoch(1, bob1, bob2, carol);
        alice.groups.send(GROUP, bytes("before"));
        assertThat(bob1.inbox.awaitText(GROUP, "before", WAIT)).isTrue();

        // when alice removes bob
        long epoch = alice.groups.remove(GROUP, "bob");

        // then bob's devices learn it from the commit (own removal detected before bcmls handles it)
        assertThat(epoch).isEqualTo(2);
        for (Device bob : List.of(bob1, bob2)) {
            assertThat(bob.inbox.awaitDeparture(GROUP, WAIT)).isEqualTo(MlsGroupListener.Departure.REMOVED);
            assertThat(bob.groups.isMember(GROUP)).isFalse();
        }
        awaitEpoch(2, carol);
        assertThat(carol.groups.members(GROUP)).containsExactly("alice.1", "carol.1");
        assertThat(carol.inbox.await(() -> !carol.inbox.epochs().isEmpty(), WAIT))
                .isTrue();
        assertThat(carol.inbox.epochs()).last().satisfies(change -> {
            assertThat(change.removed()).containsExactly("bob.1", "bob.2");
            assertThat(change.committer()).isEqualTo("alice.1");
        });
        // and a later message reaches carol only; handed to bob anyway, it cannot be decrypted
        alice.groups.send(GROUP, bytes("after"));
        assertThat(carol.inbox.awaitText(GROUP, "after", WAIT)).isTrue();
        server.awaitIdle(WAIT);
        assertThat(bob1.inbox.texts(GROUP)).containsExactly("before");
        GroupMessage late = carol.inbox.messages().get(carol.inbox.messages().size() - 1);
        bob1.groups.handle(late.envelope());
        assertThat(bob1.inbox.texts(GROUP)).containsExactly("before");
        assertThat(bob1.inbox.undecryptable()).hasSize(1);
        assertThat(bob1.inbox.errors()).isEmpty();
    }

    @Test
    void shouldApplyOnlyOneOfTwoConcurrentCommitsAndRebuildTheLoserOnTheNewEpoch() throws Exception {
        // given alice's two devices in a group, bob and carol not yet in it
        Device alice1 = server.device("alice", 3);
        Device alice2 = server.device("alice", 3);
        Device bob = server.device("bob", 3);
        Device carol = server.device("carol", 3);
        alice1.groups.create(GROUP);
        alice1.groups.add(GROUP, List.of("alice"));
        awaitEpoch(1, alice2);

        // when both of alice's devices commit an add on epoch 1 at the same time
        server.raceNextCommits(2);
        CompletableFuture<Long> addBob = CompletableFuture.supplyAsync(() -> alice1.groups.add(GROUP, List.of("bob")));
        CompletableFuture<Long> addCarol =
                CompletableFuture.supplyAsync(() -> alice2.groups.add(GROUP, List.of("carol")));
        List<Long> epochs = List.of(addBob.get(30, TimeUnit.SECONDS), addCarol.get(30, TimeUnit.SECONDS));

        // then the server took one commit on epoch 1 and refused the other once; the loser rebuilt it on epoch 2
        assertThat(server.staleAnswers).hasValue(1);
        assertThat(epochs).containsExactlyInAnyOrder(2L, 3L);
        assertThat(server.epoch(GROUP)).isEqualTo(3);
        awaitEpoch(3, alice1, alice2, bob, carol);
        for (Device device : List.of(alice1, alice2, bob, carol)) {
            assertThat(device.groups.members(GROUP))
                    .as(device.address())
                    .containsExactlyInAnyOrder("alice.1", "alice.2", "bob.1", "carol.1");
        }
        // and the rebuilt commit works: everyone decrypts on the final epoch
        carol.groups.send(GROUP, bytes("carol made it"));
        bob.groups.send(GROUP, bytes("bob made it"));
        for (Device device : List.of(alice1, alice2, bob)) {
            assertThat(device.inbox.awaitText(GROUP, "carol made it", WAIT))
                    .as(device.address())
                    .isTrue();
        }
        for (Device device : List.of(alice1, alice2, carol)) {
            assertThat(device.inbox.awaitText(GROUP, "bob made it", WAIT))
                    .as(device.address())
                    .isTrue();
        }
        for (Device device : List.of(alice1, alice2, bob, carol)) {
            assertThat(device.inbox.undecryptable()).as(device.address()).isEmpty();
        }
    }

    @Test
    void shouldDecryptALateMessageOfAPreviousEpochWithinTheWindowOnly() throws Exception {
        // given alice, bob and carol in a group at epoch 1
        Device alice = server.device("alice", 3);
        Device bob = server.device("bob", 3);
        Device carol = server.device("carol", 3);
        alice.groups.create(GROUP);
        alice.groups.add(GROUP, List.of("bob", "carol"));
        awaitEpoch(1, bob, carol);

        // when bob has not seen alice's update yet and sends on epoch 1 after carol moved to epoch 2
        bob.hold();
        alice.groups.update(GROUP);
        awaitEpoch(2, carol);
        bob.groups.send(GROUP, bytes("late but fine"));

        // then carol decrypts it with the group of the previous epoch
        assertThat(carol.inbox.awaitText(GROUP, "late but fine", WAIT)).isTrue();
        assertThat(carol.inbox.messages())
                .last()
                .extracting(GroupMessage::epoch)
                .isEqualTo(1L);
        assertThat(alice.inbox.awaitText(GROUP, "late but fine", WAIT)).isTrue();
        bob.release();
        awaitEpoch(2, bob);

        // and a message three epochs old is refused by the window
        GroupMessage old = carol.inbox.messages().get(0);
        alice.groups.update(GROUP);
        alice.groups.update(GROUP);
        awaitEpoch(4, carol);
        int undecryptable = carol.inbox.undecryptable().size();
        carol.groups.handle(copyOf(old));
        assertThat(carol.inbox.undecryptable()).hasSize(undecryptable + 1);
        assertThat(carol.inbox.undecryptable()).last().asString().contains("epoch 1");
    }

    @Test
    void shouldDetectOwnRemovalFromTheCommitAndDropTheGroup() throws Exception {
        // given bob and carol in alice's group
        Device alice = server.device("alice", 3);
        Device bob = server.device("bob", 3);
        server.device("carol", 3);
        alice.groups.create(GROUP);
        alice.groups.add(GROUP, List.of("bob", "carol"));
        awaitEpoch(1, bob);

        // when the commit that removes bob reaches him
        alice.groups.remove(GROUP, "bob");

        // then bob reports the removal instead of failing in bcmls, and has no group left
        assertThat(bob.inbox.awaitDeparture(GROUP, WAIT)).isEqualTo(MlsGroupListener.Departure.REMOVED);
        assertThat(bob.inbox.undecryptable()).isEmpty();
        assertThat(bob.groups.groupIds()).isEmpty();
        assertThatThrownBy(() -> bob.groups.send(GROUP, bytes("still here?"))).isInstanceOf(MlsException.class);
    }

    @Test
    void shouldCommitTheRemovalOfAUserThatLeftFromTheLowestRemainingLeaf() throws Exception {
        // given alice, bob (two devices) and carol in a group
        Device alice = server.device("alice", 3);
        Device bob1 = server.device("bob", 3);
        Device bob2 = server.device("bob", 3);
        Device carol = server.device("carol", 3);
        alice.groups.create(GROUP);
        alice.groups.add(GROUP, List.of("bob", "carol"));
        awaitEpoch(1, bob1, bob2, carol);

        // when bob leaves from his first device
        bob1.groups.leave(GROUP);

        // then alice (leaf 0) commits the pending removals, everyone remaining follows, bob is out everywhere
        awaitEpoch(2, alice, carol);
        assertThat(server.roster(GROUP, true)).containsExactly("alice.1", "carol.1");
        assertThat(carol.groups.members(GROUP)).containsExactly("alice.1", "carol.1");
        assertThat(carol.groups.pendingRemovals(GROUP)).isEmpty();
        assertThat(carol.inbox.membersLeft()).containsExactly(GROUP + ":bob");
        assertThat(bob1.inbox.departures()).containsEntry(GROUP, MlsGroupListener.Departure.LEFT);
        assertThat(bob2.inbox.awaitDeparture(GROUP, WAIT)).isNotNull();
        carol.groups.send(GROUP, bytes("bye bob"));
        assertThat(alice.inbox.awaitText(GROUP, "bye bob", WAIT)).isTrue();
    }

    @Test
    void shouldLetAnyMemberCommitPendingRemovalsWithItsNextCommit() throws Exception {
        // given a group of alice, bob and carol, and dave waiting to be added
        Device alice = server.device("alice", 3);
        Device bob = server.device("bob", 3);
        Device carol = server.device("carol", 3);
        Device dave = server.device("dave", 3);
        alice.groups.create(GROUP);
        alice.groups.add(GROUP, List.of("bob", "carol"));
        awaitEpoch(1, bob, carol);
        // alice (leaf 0, who would commit the removal at once) does not get the group-member-left event for now
        alice.hold();
        bob.groups.leave(GROUP);
        assertThat(carol.inbox.await(() -> !carol.groups.pendingRemovals(GROUP).isEmpty(), WAIT))
                .isTrue();

        // when carol rotates her keys, and then alice gets the event and adds dave
        assertThat(carol.groups.update(GROUP)).isEqualTo(2);
        alice.release();
        awaitEpoch(2, alice);
        long epoch = alice.groups.add(GROUP, List.of("dave"));

        // then carol's update carried the removal, alice's own removal commit was not needed, dave joined on top
        assertThat(epoch).isEqualTo(3);
        assertThat(server.roster(GROUP, true)).containsExactly("alice.1", "dave.1", "carol.1");
        assertThat(dave.groups.awaitGroup(GROUP, WAIT)).isTrue();
        awaitEpoch(3, carol, dave);
        assertThat(dave.groups.members(GROUP)).containsExactly("alice.1", "dave.1", "carol.1");
        assertThat(alice.groups.pendingRemovals(GROUP)).isEmpty();
        dave.groups.send(GROUP, bytes("hi all"));
        assertThat(carol.inbox.awaitText(GROUP, "hi all", WAIT)).isTrue();
        assertThat(alice.inbox.awaitText(GROUP, "hi all", WAIT)).isTrue();
        assertThat(alice.inbox.errors()).isEmpty();
    }

    @Test
    void shouldRemoveThePendingLeavesInTheAddCommitItself() throws Exception {
        // given alice's two devices and bob in a group; alice's first device (leaf 0) does not hear that bob left
        Device alice1 = server.device("alice", 3);
        Device alice2 = server.device("alice", 3);
        Device bob = server.device("bob", 3);
        Device dave = server.device("dave", 3);
        alice1.groups.create(GROUP);
        alice1.groups.add(GROUP, List.of("alice", "bob"));
        awaitEpoch(1, alice2, bob);
        alice1.hold();
        bob.groups.leave(GROUP);
        assertThat(alice2.inbox.await(
                        () -> !alice2.groups.pendingRemovals(GROUP).isEmpty(), WAIT))
                .isTrue();

        // when alice's second device adds dave
        long epoch = alice2.groups.add(GROUP, List.of("dave"));
        alice1.release();

        // then one commit removed bob and added dave (into bob's blank leaf); alice's first device followed it
        assertThat(epoch).isEqualTo(2);
        assertThat(server.roster(GROUP, true)).containsExactly("alice.1", "alice.2", "dave.1");
        awaitEpoch(2, alice1, dave);
        server.awaitIdle(WAIT);
        assertThat(server.epoch(GROUP)).isEqualTo(2);
        assertThat(alice1.groups.members(GROUP)).containsExactly("alice.1", "alice.2", "dave.1");
        assertThat(alice1.groups.pendingRemovals(GROUP)).isEmpty();
        assertThat(alice1.inbox.errors()).isEmpty();
        dave.groups.send(GROUP, bytes("hello alices"));
        assertThat(alice1.inbox.awaitText(GROUP, "hello alices", WAIT)).isTrue();
        assertThat(alice2.inbox.awaitText(GROUP, "hello alices", WAIT)).isTrue();
    }

    @Test
    void shouldRotateKeysWithAnUpdateAndKeepTalking() throws Exception {
        // given
        Device alice = server.device("alice", 3);
        Device bob = server.device("bob", 3);
        alice.groups.create(GROUP);
        alice.groups.add(GROUP, List.of("bob"));
        awaitEpoch(1, bob);

        // when both rotate their keys in turn
        assertThat(bob.groups.update(GROUP)).isEqualTo(2);
        awaitEpoch(2, alice);
        assertThat(alice.groups.update(GROUP)).isEqualTo(3);
        awaitEpoch(3, bob);

        // then messages still flow both ways on the new epoch
        alice.groups.send(GROUP, bytes("ping"));
        bob.groups.send(GROUP, bytes("pong"));
        assertThat(bob.inbox.awaitText(GROUP, "ping", WAIT)).isTrue();
        assertThat(alice.inbox.awaitText(GROUP, "pong", WAIT)).isTrue();
        assertThat(alice.inbox.epochs()).extracting(GroupEpochChange::committer).containsExactly("bob.1");
    }

    @Test
    void shouldJoinThroughTheLastResortKeyPackageAndRefillOneTimeOnes() throws Exception {
        // given bob with only a last-resort KeyPackage
        Device alice = server.device("alice", 3);
        Device bob = server.device("bob", 0);
        alice.groups.create(GROUP);

        // when alice adds him
        alice.groups.add(GROUP, List.of("bob"));

        // then he joins with it and keeps it for the next Welcome
        assertThat(bob.groups.awaitGroup(GROUP, WAIT)).isTrue();
        String second = GroupIds.fromName("second");
        alice.groups.create(second);
        alice.groups.add(second, List.of("bob"));
        assertThat(bob.groups.awaitGroup(second, WAIT)).isTrue();
        // and a refill tops the directory up
        assertThat(bob.groups.refillKeyPackages().count()).isEqualTo(MlsGroups.KEY_PACKAGE_TARGET);
        assertThat(bob.groups.keyPackages().oneTimeCount()).isEqualTo(MlsGroups.KEY_PACKAGE_TARGET);
    }

    @Test
    void shouldResendTheSameCommitWhenTheAnswerWasLost() throws Exception {
        // given
        Device alice = server.device("alice", 3);
        Device bob = server.device("bob", 3);
        alice.groups.create(GROUP);
        alice.groups.add(GROUP, List.of("bob"));
        awaitEpoch(1, bob);

        // when the server applies alice's update but answers 503
        server.loseNextAnswer.set(true);
        long epoch = alice.groups.update(GROUP);

        // then the resent bytes are accepted again and alice is on the epoch everyone else is on
        assertThat(epoch).isEqualTo(2);
        assertThat(alice.groups.epoch(GROUP)).hasValue(2);
        awaitEpoch(2, bob);
        bob.groups.send(GROUP, bytes("same epoch"));
        assertThat(alice.inbox.awaitText(GROUP, "same epoch", WAIT)).isTrue();
    }

    @Test
    void shouldPostTheSameBytesWhenASendWithoutAnAnswerIsRetriedUnderItsKey() throws Exception {
        // given
        Device alice = server.device("alice", 3);
        Device bob = server.device("bob", 3);
        alice.groups.create(GROUP);
        alice.groups.add(GROUP, List.of("bob"));
        awaitEpoch(1, bob);

        // when every post of a send is answered 503, as while group-fanout or the broker restarts
        server.unavailableSends.set(MlsGroups.MAX_RESENDS);
        assertThatThrownBy(() -> alice.groups.send(GROUP, bytes("after the outage"), "key-1"))
                .isInstanceOfSatisfying(ProblemException.class, problem -> assertThat(problem.status())
                        .isEqualTo(503));
        // and the caller retries under the same key
        alice.groups.send(GROUP, bytes("after the outage"), "key-1");

        // then the retry carried the bytes the key is bound to (a fresh encryption is refused 422 for good)
        assertThat(bob.inbox.awaitText(GROUP, "after the outage", WAIT)).isTrue();
        // and another message under that key is still a new encryption, which the server refuses
        assertThatThrownBy(() -> alice.groups.send(GROUP, bytes("something else"), "key-1"))
                .isInstanceOfSatisfying(ProblemException.class, problem -> assertThat(problem.status())
                        .isEqualTo(422));
    }

    @Test
    void shouldRefuseACommitThatWouldLeaveTheCommitterAlone() throws Exception {
        // given alice and bob only
        Device alice = server.device("alice", 3);
        Device bob = server.device("bob", 3);
        alice.groups.create(GROUP);
        alice.groups.add(GROUP, List.of("bob"));
        awaitEpoch(1, bob);

        // when / then removing bob is refused before bcmls fails on the one-leaf tree, and nothing changed
        assertThatThrownBy(() -> alice.groups.remove(GROUP, "bob"))
                .isInstanceOf(MlsException.class)
                .hasMessageContaining("alone");
        assertThat(server.epoch(GROUP)).isEqualTo(1);
        alice.groups.send(GROUP, bytes("still two"));
        assertThat(bob.inbox.awaitText(GROUP, "still two", WAIT)).isTrue();
    }

    @Test
    void shouldIgnoreAWelcomeDeliveredAgainAfterTheGroupMovedOn() throws Exception {
        // given bob joined through his last-resort KeyPackage (its secrets stay) and the group moved to epoch 2
        Device alice = server.device("alice", 3);
        Device bob = server.device("bob", 0);
        alice.groups.create(GROUP);
        alice.groups.add(GROUP, List.of("bob"));
        awaitEpoch(1, bob);
        alice.groups.update(GROUP);
        awaitEpoch(2, bob);

        // when the Welcome comes again (at-least-once delivery after a reconnect)
        io.socialink.client.socket.Envelope welcome = server.welcomes.get(0);
        bob.groups.handle(new io.socialink.client.socket.Envelope(
                java.util.UUID.randomUUID(),
                welcome.senderUserId(),
                welcome.senderDeviceId(),
                welcome.ciphertextType(),
                welcome.content(),
                welcome.sentAt(),
                null,
                welcome.groupId()));

        // then bob stays on epoch 2 and keeps reading
        assertThat(bob.groups.epoch(GROUP)).hasValue(2);
        alice.groups.send(GROUP, bytes("still epoch 2"));
        assertThat(bob.inbox.awaitText(GROUP, "still epoch 2", WAIT)).isTrue();
        assertThat(bob.inbox.joined()).containsExactly(GROUP);
    }

    @Test
    void shouldRefuseToAddAUserWithADeviceWithoutKeyPackages() {
        // given carol with a device that never uploaded a KeyPackage
        Device alice = server.device("alice", 3);
        server.device("carol", 3);
        server.device("carol", -1);
        alice.groups.create(GROUP);

        // when / then
        assertThatThrownBy(() -> alice.groups.add(GROUP, List.of("carol")))
                .isInstanceOf(MlsException.class)
                .hasMessageContaining("carol.2");
        assertThat(alice.groups.epoch(GROUP)).hasValue(0);
        assertThat(server.epoch(GROUP)).isZero();
    }

    private void awaitEpoch(long epoch, Device... devices) throws InterruptedException {
        for (Device device : devices) {
            assertThat(device.groups.awaitEpoch(GROUP, epoch, WAIT))
                    .as(device.address() + " at epoch " + epoch)
                    .isTrue();
        }
    }

    private static io.socialink.client.socket.Envelope copyOf(GroupMessage message) {
        io.socialink.client.socket.Envelope e = message.envelope();
        return new io.socialink.client.socket.Envelope(
                java.util.UUID.randomUUID(),
                e.senderUserId(),
                e.senderDeviceId(),
                e.ciphertextType(),
                e.content(),
                e.sentAt(),
                e.expiresAt(),
                e.groupId());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
