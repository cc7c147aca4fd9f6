package io.socialink.groups.decide;

import static io.socialink.groups.GroupCommands.add;
import static io.socialink.groups.GroupCommands.create;
import static io.socialink.groups.GroupCommands.leave;
import static io.socialink.groups.GroupCommands.message;
import static io.socialink.groups.GroupCommands.remove;
import static io.socialink.groups.GroupCommands.retried;
import static io.socialink.groups.GroupCommands.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.groups.state.GroupState;
import io.socialink.groups.state.Leaf;
import io.socialink.schemas.avro.CommandRejected;
import io.socialink.schemas.avro.CommitAccepted;
import io.socialink.schemas.avro.CommitBundle;
import io.socialink.schemas.avro.GroupCommand;
import io.socialink.schemas.avro.GroupCreated;
import io.socialink.schemas.avro.MemberLeaf;
import io.socialink.schemas.avro.MemberLeft;
import io.socialink.schemas.avro.MessageAccepted;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GroupDeciderTest {

    private static final String G = "Z3JvdXAtMQ";

    private final GroupHarness group = new GroupHarness();

    /** alice.1 (admin, leaf 0), bob.1 (1), bob.2 (2), carol.1 (3), at epoch 1. */
    private void aliceBobCarol() {
        group.accept(create(G, "alice.1"));
        group.accept(add(G, "alice.1", 0, List.of("bob.1", "bob.2", "carol.1")));
    }

    @Test
    void shouldCreateAGroupAtEpochZeroWithTheCreatorOnLeafZeroAsItsAdmin() {
        // given
        GroupCommand command = create(G, "alice.1");

        // when
        Decision decision = group.run(command);

        // then
        assertThat(decision.reply().getStatus()).isEqualTo(201);
        assertThat(decision.reply().getEpoch()).isZero();
        assertThat(decision.events()).singleElement().satisfies(event -> assertThat(event.getEvent())
                .isInstanceOf(GroupCreated.class));
        assertThat(decision.deliveries()).isEmpty();
        assertThat(decision.metadata().getKind()).isEqualTo("created");
        assertThat(group.state().leaves()).containsExactly(new Leaf("alice", 1));
        assertThat(group.state().admins()).containsExactly("alice");
        assertThat(group.state().epoch()).isZero();
    }

    @Test
    void shouldRefuseToCreateAGroupThatExists() {
        // given
        group.accept(create(G, "alice.1"));

        // when
        Decision decision = group.run(create(G, "mallory.1"));

        // then
        assertRejected(decision, 409, "group-exists");
        assertThat(group.state().leaves()).containsExactly(new Leaf("alice", 1));
    }

    @Test
    void shouldAnswerUnknownGroupToEveryCommandButCreate() {
        // given
        List<GroupCommand> commands =
                List.of(update(G, "alice.1", 0), message(G, "alice.1", 0, "m1"), leave(G, "alice.1"));

        // when
        List<Decision> decisions = commands.stream().map(group::run).toList();

        // then
        assertThat(decisions).allSatisfy(decision -> {
            assertRejected(decision, 404, "unknown-group");
            assertThat(decision.reply().getEpoch()).isEqualTo(-1);
        });
        assertThat(group.state()).isNull();
    }

    @Test
    void shouldAcceptOneCommitPerEpochAndAnswerTheOthersStaleEpochWithTheCurrentEpoch() {
        // given
        aliceBobCarol();
        GroupCommand fromBob = update(G, "bob.1", 1);
        GroupCommand fromCarol = update(G, "carol.1", 1);

        // when
        Decision first = group.run(fromBob);
        Decision second = group.run(fromCarol);

        // then
        assertThat(first.reply().getStatus()).isEqualTo(200);
        assertThat(first.reply().getEpoch()).isEqualTo(2);
        assertRejected(second, 409, "stale-epoch");
        assertThat(second.reply().getEpoch()).isEqualTo(2);
        assertThat(group.state().epoch()).isEqualTo(2);
    }

    @Test
    void shouldRefuseACommitOnAnEpochTheGroupHasNotReachedAsInvalidEpoch() {
        // given
        aliceBobCarol();

        // when
        Decision decision = group.run(update(G, "bob.1", 2));

        // then
        assertRejected(decision, 422, "invalid-epoch");
        assertThat(decision.reply().getEpoch()).isEqualTo(1);
    }

    @Test
    void shouldAnswerARetryOfTheWinningCommitAsAcceptedAgainWithoutNewEventsOrDeliveries() {
        // given
        group.accept(create(G, "alice.1"));
        GroupCommand winner = add(G, "alice.1", 0, List.of("bob.1"));
        Decision accepted = group.accept(winner);
        GroupState before = group.state();

        // when
        Decision retry = group.run(retried(winner));

        // then
        assertThat(retry.reply().getStatus()).isEqualTo(200);
        assertThat(retry.reply().getEpoch()).isEqualTo(1);
        assertThat(retry.reply().getAttributes())
                .isEqualTo(accepted.reply().getAttributes())
                .containsEntry("kind", "ADD")
                .containsEntry("addedDevices", "1")
                .containsEntry("removedDevices", "0");
        assertThat(retry.events()).isEmpty();
        assertThat(retry.deliveries()).isEmpty();
        assertThat(retry.metadata()).isNull();
        assertThat(group.state()).isSameAs(before);
    }

    @Test
    void shouldAnswerStaleEpochToALosingCommitOnTheWinnersEpoch() {
        // given
        aliceBobCarol();
        group.accept(update(G, "bob.1", 1));

        // when
        Decision loser = group.run(update(G, "carol.1", 1));
        Decision winnerFromAnotherDevice = group.run(update(G, "bob.2", 1));

        // then
        assertRejected(loser, 409, "stale-epoch");
        assertRejected(winnerFromAnotherDevice, 409, "stale-epoch");
    }

    @Test
    void shouldRefuseCommitsAndMessagesFromDevicesOutsideTheGroup() {
        // given
        aliceBobCarol();

        // when
        Decision commit = group.run(update(G, "mallory.1", 1));
        Decision send = group.run(message(G, "mallory.1", 1, "m1"));
        Decision otherDevice = group.run(message(G, "alice.2", 1, "m2"));

        // then
        assertRejected(commit, 403, "not-a-member");
        assertRejected(send, 403, "not-a-member");
        assertRejected(otherDevice, 403, "not-a-member");
    }

    @Test
    void shouldLetOnlyAdminsAddOrRemoveMembers() {
        // given
        aliceBobCarol();

        // when
        Decision add = group.run(add(G, "bob.1", 1, List.of("dave.1")));
        Decision remove = group.run(remove(G, "bob.1", 1, "carol", 3));

        // then
        assertRejected(add, 403, "not-admin");
        assertRejected(remove, 403, "not-admin");
    }

    @Test
    void shouldRefuseToAddADeviceAlreadyInTheGroup() {
        // given
        aliceBobCarol();

        // when
        Decision decision = group.run(add(G, "alice.1", 1, List.of("dave.1", "bob.2")));

        // then
        assertRejected(decision, 409, "already-member");
    }

    @Test
    void shouldAddANewDeviceOfAUserAlreadyInTheGroup() {
        // given
        aliceBobCarol();

        // when
        Decision decision = group.accept(add(G, "alice.1", 1, List.of("carol.2")));

        // then
        assertThat(addedLeaves(decision)).containsExactly("carol.2@4");
        assertThat(group.state().memberUsers()).isEqualTo(3);
    }

    @Test
    void shouldBlankRemovedLeavesThenGiveEachAddTheLeftmostBlankLeafInProposalOrder() {
        // given: alice 0, bob 1 2, carol 3, dave 4
        aliceBobCarol();
        group.accept(add(G, "alice.1", 1, List.of("dave.1")));
        group.accept(remove(G, "alice.1", 2, "bob", 1, 2));
        group.accept(leave(G, "dave.1"));

        // when: the add must also remove dave's pending leaf 4, which is blanked before the adds take leaves
        Decision decision = group.accept(add(G, "alice.1", 3, List.of("erin.1", "frank.1", "erin.2", "gina.1"), 4));

        // then
        CommitAccepted accepted = (CommitAccepted) decision.events().get(0).getEvent();
        assertThat(accepted.getRemoved()).extracting(MemberLeaf::getLeafIndex).containsExactly(4);
        assertThat(addedLeaves(decision)).containsExactly("erin.1@1", "frank.1@2", "erin.2@4", "gina.1@5");
        assertThat(group.state().leaves())
                .containsExactly(
                        new Leaf("alice", 1),
                        new Leaf("erin", 1),
                        new Leaf("frank", 1),
                        new Leaf("carol", 1),
                        new Leaf("erin", 2),
                        new Leaf("gina", 1));
        assertThat(group.state().pendingLeaves()).isEmpty();
        assertThat(group.state().epoch()).isEqualTo(4);
    }

    @Test
    void shouldExtendTheTreeToTheRightWhenNoLeafIsBlank() {
        // given
        aliceBobCarol();

        // when
        Decision decision = group.accept(add(G, "alice.1", 1, List.of("dave.1", "dave.2")));

        // then
        assertThat(addedLeaves(decision)).containsExactly("dave.1@4", "dave.2@5");
        assertThat(decision.reply().getAttributes()).containsEntry("addedDevices", "2");
    }

    @Test
    void shouldMakeALeavingUsersLeavesPendingUntilTheNextCommitRemovesThem() {
        // given
        aliceBobCarol();

        // when
        Decision left = group.accept(leave(G, "bob.2"));
        Decision ignoringPending = group.run(update(G, "carol.1", 1));
        Decision addIgnoringPending = group.run(add(G, "alice.1", 1, List.of("dave.1")));
        Decision removingPending = group.accept(update(G, "carol.1", 1, 1, 2));

        // then
        assertThat(left.reply().getStatus()).isEqualTo(200);
        assertThat(left.reply().getEpoch()).isEqualTo(1);
        assertThat(left.reply().getAttributes()).containsEntry("leaves", "1,2");
        assertThat(((MemberLeft) left.events().get(0).getEvent()).getLeaves())
                .extracting(MemberLeaf::getLeafIndex)
                .containsExactly(1, 2);
        assertRejected(ignoringPending, 409, "device-mismatch");
        assertRejected(addIgnoringPending, 409, "device-mismatch");
        assertThat(removingPending.reply().getEpoch()).isEqualTo(2);
        assertThat(group.state().leaves()).containsExactly(new Leaf("alice", 1), null, null, new Leaf("carol", 1));
        assertThat(group.state().pendingLeaves()).isEmpty();
    }

    @Test
    void shouldStopAPendingRemovedDeviceFromSendingOrCommittingAndFromReceiving() {
        // given
        aliceBobCarol();
        group.accept(leave(G, "bob.1"));

        // when
        Decision send = group.run(message(G, "bob.2", 1, "m1"));
        Decision commit = group.run(update(G, "bob.1", 1, 1, 2));
        Decision fromAlice = group.accept(message(G, "alice.1", 1, "m2"));

        // then
        assertRejected(send, 403, "not-a-member");
        assertRejected(commit, 403, "not-a-member");
        assertThat(recipients(fromAlice)).containsExactly("carol.1");
    }

    @Test
    void shouldLetAnyMemberCommitOnlyPendingRemovalsOfAUserWhoLeft() {
        // given
        aliceBobCarol();
        group.accept(leave(G, "bob.1"));

        // when
        Decision decision = group.accept(remove(G, "carol.1", 1, "bob", 1, 2));

        // then
        assertThat(removedLeaves(decision)).containsExactly("bob.1@1", "bob.2@2");
        assertThat(group.state().usersInTree()).containsExactly("alice", "carol");
    }

    @Test
    void shouldRequireARemoveToCoverAllOfTheUsersLeavesAndThePendingOnes() {
        // given
        aliceBobCarol();
        group.accept(add(G, "alice.1", 1, List.of("dave.1")));
        group.accept(leave(G, "dave.1"));

        // when
        Decision oneOfBobs = group.run(remove(G, "alice.1", 2, "bob", 1));
        Decision withoutPending = group.run(remove(G, "alice.1", 2, "bob", 1, 2));
        Decision exact = group.run(remove(G, "alice.1", 2, "bob", 1, 2, 4));

        // then
        assertRejected(oneOfBobs, 409, "device-mismatch");
        assertRejected(withoutPending, 409, "device-mismatch");
        assertThat(exact.reply().getStatus()).isEqualTo(200);
        assertThat(removedLeaves(exact)).containsExactly("bob.1@1", "bob.2@2", "dave.1@4");
        assertThat(group.state().leaves()).containsExactly(new Leaf("alice", 1), null, null, new Leaf("carol", 1));
    }

    @Test
    void shouldRefuseACommitterRemovingItsOwnLeaf() {
        // given
        aliceBobCarol();
        group.accept(add(G, "alice.1", 1, List.of("alice.2")));

        // when
        Decision decision = group.run(remove(G, "alice.1", 2, "alice", 0, 4));

        // then
        assertRejected(decision, 422, "invalid-mls-message");
    }

    @Test
    void shouldRefuseAnAddThatMakesTheGroupLargerThan1500MemberUsers() {
        // given: alice and 1,499 others are 1,500 member users
        group.accept(create(G, "alice.1"));
        List<String> others =
                IntStream.range(0, 1_499).mapToObj(i -> "user" + i + ".1").toList();
        group.accept(add(G, "alice.1", 0, others));
        assertThat(group.state().memberUsers()).isEqualTo(1_500);

        // when
        Decision oneMore = group.run(add(G, "alice.1", 1, List.of("late.1")));
        Decision anotherDevice = group.run(add(G, "alice.1", 1, List.of("user7.2")));

        // then
        assertRejected(oneMore, 422, "group-full");
        assertThat(anotherDevice.reply().getStatus()).isEqualTo(200);
    }

    @Test
    void shouldAcceptMessagesOfTheCurrentAndTheTwoPreviousEpochsOnly() {
        // given: epoch 4
        aliceBobCarol();
        for (int epoch = 1; epoch < 4; epoch++) {
            group.accept(update(G, "alice.1", epoch));
        }

        // when
        Decision current = group.run(message(G, "bob.1", 4, "m4"));
        Decision twoBehind = group.run(message(G, "bob.1", 2, "m2"));
        Decision threeBehind = group.run(message(G, "bob.1", 1, "m1"));
        Decision ahead = group.run(message(G, "bob.1", 5, "m5"));

        // then
        assertThat(current.reply().getStatus()).isEqualTo(201);
        assertThat(twoBehind.reply().getStatus()).isEqualTo(201);
        assertThat(twoBehind.reply().getEpoch()).isEqualTo(4);
        assertThat(((MessageAccepted) twoBehind.events().get(0).getEvent()).getMessageEpoch())
                .isEqualTo(2);
        assertRejected(threeBehind, 409, "stale-epoch");
        assertRejected(ahead, 422, "invalid-epoch");
    }

    @Test
    void shouldSendStoredCommitsAndWelcomesByTheirKeyAndOthersWithTheirBytes() {
        // given: alice, bob.1 and bob.2 in the group; an add of carol whose Commit and Welcome the gateway stored
        group.accept(create(G, "alice.1"));
        group.accept(add(G, "alice.1", 0, List.of("bob.1", "bob.2")));
        GroupCommand stored = add(G, "alice.1", 1, List.of("carol.1"));
        CommitBundle bundle = (CommitBundle) stored.getCommand();
        bundle.setCommitRef("commit-key");
        bundle.setWelcomeRef("welcome-key");

        // when
        Decision decision = group.accept(stored);

        // then: every copy carries the key and no bytes
        assertThat(decision.deliveries())
                .extracting(delivery -> delivery.getRecipientUserId() + "." + delivery.getRecipientDeviceId()
                        + " " + delivery.getCiphertextType() + " " + delivery.getContentRef() + " "
                        + delivery.getContent().remaining())
                .containsExactlyInAnyOrder(
                        "bob.1 11 commit-key 0", "bob.2 11 commit-key 0", "carol.1 12 welcome-key 0");

        // and: a bundle without keys (from a gateway older than the payload store) still sends its bytes
        Decision inline = group.accept(update(G, "bob.1", 2));
        assertThat(inline.deliveries()).isNotEmpty().allSatisfy(delivery -> {
            assertThat(delivery.getContentRef()).isNull();
            assertThat(delivery.getContent())
                    .isEqualTo(((CommitBundle) update(G, "bob.1", 2).getCommand()).getCommit());
        });
    }

    @Test
    void shouldFanAMessageOutToEveryMemberDeviceButTheSendingOne() {
        // given
        aliceBobCarol();

        // when
        Decision decision = group.accept(message(G, "bob.1", 1, "m1"));

        // then
        assertThat(recipients(decision)).containsExactly("alice.1", "bob.2", "carol.1");
        assertThat(decision.deliveries()).allSatisfy(delivery -> {
            assertThat(delivery.getCiphertextType()).isEqualTo(10);
            assertThat(delivery.getMessageId()).isEqualTo("m1");
            assertThat(delivery.getGroupId()).isEqualTo(G);
            assertThat(delivery.getSenderUserId()).isEqualTo("bob");
            assertThat(delivery.getSenderDeviceId()).isEqualTo(1);
        });
        assertThat(decision.reply().getAttributes())
                .containsEntry("messageId", "m1")
                .containsEntry("recipientDevices", "3");
    }

    @Test
    void shouldLeaveTheStateUnchangedAndDeliverNothingOnEveryRejection() {
        // given
        aliceBobCarol();
        GroupState before = group.state();
        List<GroupCommand> refused = List.of(
                create(G, "bob.1"),
                update(G, "bob.1", 0),
                update(G, "bob.1", 5),
                add(G, "bob.1", 1, List.of("dave.1")),
                add(G, "alice.1", 1, List.of("bob.1")),
                remove(G, "alice.1", 1, "bob", 1),
                message(G, "mallory.1", 1, "m"),
                leave(G, "mallory.1"));

        // when
        List<Decision> decisions = new ArrayList<>();
        refused.forEach(command -> decisions.add(group.run(command)));

        // then
        assertThat(decisions).allSatisfy(decision -> {
            assertThat(decision.accepted()).isFalse();
            assertThat(decision.events()).singleElement().satisfies(event -> assertThat(event.getEvent())
                    .isInstanceOf(CommandRejected.class));
            assertThat(decision.deliveries()).isEmpty();
            assertThat(decision.metadata().getKind()).isEqualTo("rejected");
            assertThat(decision.metadata().getReason())
                    .isEqualTo(decision.reply().getProblemType());
        });
        assertThat(group.state()).isSameAs(before);
    }

    @Test
    void shouldLeaveTheGroupWithoutAdminsWhenTheLastAdminLeaves() {
        // given
        aliceBobCarol();

        // when
        group.accept(leave(G, "alice.1"));
        group.accept(update(G, "bob.1", 1, 0));
        Decision add = group.run(add(G, "bob.1", 2, List.of("dave.1")));

        // then
        assertThat(group.state().admins()).isEmpty();
        assertRejected(add, 403, "not-admin");
    }

    @Test
    void shouldAnswerARepeatedLeaveAsDoneWithoutNewEvents() {
        // given
        aliceBobCarol();
        group.accept(leave(G, "carol.1"));

        // when
        Decision again = group.run(leave(G, "carol.1"));

        // then
        assertThat(again.reply().getStatus()).isEqualTo(200);
        assertThat(again.reply().getAttributes()).containsEntry("leaves", "3");
        assertThat(again.events()).isEmpty();
        assertThat(again.deliveries()).isEmpty();
    }

    @Test
    void shouldTellTheRemainingMemberDevicesAndTheLeaversOtherDevicesThatAUserLeft() {
        // given
        aliceBobCarol();

        // when
        Decision decision = group.accept(leave(G, "bob.2"));

        // then
        assertThat(recipients(decision)).containsExactly("alice.1", "carol.1", "bob.1");
        assertThat(decision.deliveries()).allSatisfy(delivery -> {
            assertThat(delivery.getEvent().getType()).isEqualTo("group-member-left");
            assertThat(delivery.getEvent().getAttributes())
                    .containsEntry("groupId", G)
                    .containsEntry("userId", "bob")
                    .containsEntry("leaves", "1,2");
            assertThat(delivery.getContent().remaining()).isZero();
        });
    }

    @Test
    void shouldRebuildTheSameStateFromTheEventStore() {
        // given
        aliceBobCarol();
        group.accept(leave(G, "bob.1"));
        group.run(update(G, "alice.1", 0));
        group.accept(add(G, "alice.1", 1, List.of("dave.1"), 1, 2));
        group.accept(message(G, "dave.1", 2, "m1"));

        // when
        GroupState replayed = GroupEvolver.evolve(null, group.events());

        // then
        assertThat(replayed).isEqualTo(group.state());
    }

    private static List<String> addedLeaves(Decision decision) {
        return described(((CommitAccepted) decision.events().get(0).getEvent()).getAdded());
    }

    private static List<String> removedLeaves(Decision decision) {
        return described(((CommitAccepted) decision.events().get(0).getEvent()).getRemoved());
    }

    private static List<String> described(List<MemberLeaf> leaves) {
        return leaves.stream()
                .map(leaf -> leaf.getUserId() + "." + leaf.getDeviceId() + "@" + leaf.getLeafIndex())
                .toList();
    }

    private static List<String> recipients(Decision decision) {
        return decision.deliveries().stream()
                .map(delivery -> delivery.getRecipientUserId() + "." + delivery.getRecipientDeviceId())
                .toList();
    }

    private static void assertRejected(Decision decision, int status, String problemType) {
        assertThat(decision.reply().getStatus()).isEqualTo(status);
        assertThat(decision.reply().getProblemType()).isEqualTo(problemType);
        assertThat(decision.reply().getDetail()).isNotBlank();
        assertThat(decision.deliveries()).isEmpty();
        assertThat(decision.events()).singleElement().satisfies(event -> {
            CommandRejected rejected = (CommandRejected) event.getEvent();
            assertThat(rejected.getProblemType()).isEqualTo(problemType);
        });
    }
}
