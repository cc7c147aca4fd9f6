package io.socialink.groups.topology;

import static io.socialink.groups.GroupCommands.add;
import static io.socialink.groups.GroupCommands.create;
import static io.socialink.groups.GroupCommands.leave;
import static io.socialink.groups.GroupCommands.message;
import static io.socialink.groups.GroupCommands.remove;
import static io.socialink.groups.GroupCommands.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.groups.config.GroupSettings;
import io.socialink.schemas.avro.CommandRejected;
import io.socialink.schemas.avro.CommitAccepted;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.GroupCommand;
import io.socialink.schemas.avro.GroupReply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupFanoutTopologyTest {

    private static final String G = "Z3JvdXAtMQ";

    @TempDir
    Path stateDir;

    private GroupFanoutDriver driver;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private GroupFanoutDriver start(GroupSettings settings) {
        driver = new GroupFanoutDriver(settings, stateDir);
        return driver;
    }

    private GroupFanoutDriver start() {
        return start(GroupSettings.defaults());
    }

    /** alice.1 (admin, leaf 0), bob.1 (1), bob.2 (2), carol.1 (3), at epoch 1; outputs drained. */
    private void aliceBobCarol(GroupFanoutDriver groups) {
        groups.send(create(G, "alice.1"));
        groups.send(add(G, "alice.1", 0, List.of("bob.1", "bob.2", "carol.1")));
        groups.drain();
    }

    @Test
    void shouldFanAMessageOutToEveryMemberDeviceButTheSendingOneIncludingTheSendersOtherDevice() {
        // given
        GroupFanoutDriver groups = start();
        aliceBobCarol(groups);

        // when
        groups.send(message(G, "bob.1", 1, "m1"));

        // then
        List<TestRecord<String, Delivery>> copies = groups.deliveries();
        assertThat(copies).extracting(TestRecord::key).containsExactly("alice.1", "bob.2", "carol.1");
        assertThat(copies).extracting(TestRecord::value).allSatisfy(copy -> {
            assertThat(copy.getCiphertextType()).isEqualTo(10);
            assertThat(copy.getMessageId()).isEqualTo("m1");
            assertThat(copy.getGroupId()).isEqualTo(G);
            assertThat(copy.getSenderUserId() + "." + copy.getSenderDeviceId()).isEqualTo("bob.1");
            assertThat(text(copy)).isEqualTo("mls private message m1");
        });
        assertThat(groups.replies()).singleElement().satisfies(reply -> {
            assertThat(reply.value().getStatus()).isEqualTo(201);
            assertThat(reply.value().getAttributes()).containsEntry("recipientDevices", "3");
        });
        assertThat(groups.metadata()).singleElement().satisfies(metadata -> {
            assertThat(metadata.getKind()).isEqualTo("message");
            assertThat(metadata.getRecipientDevices()).isEqualTo(3);
        });
    }

    @Test
    void shouldSendTheWelcomeOnlyToAddedDevicesAndTheCommitToEveryEarlierMemberButTheCommitter() {
        // given
        GroupFanoutDriver groups = start();
        aliceBobCarol(groups);

        // when
        groups.send(add(G, "alice.1", 1, List.of("dave.1", "dave.2")));

        // then
        Map<Integer, List<String>> byType = groups.deliveries().stream()
                .collect(Collectors.groupingBy(
                        copy -> copy.value().getCiphertextType(),
                        Collectors.mapping(TestRecord::key, Collectors.toList())));
        assertThat(byType).containsOnlyKeys(11, 12);
        assertThat(byType.get(11)).containsExactly("bob.1", "bob.2", "carol.1");
        assertThat(byType.get(12)).containsExactly("dave.1", "dave.2");
        assertThat(groups.replies())
                .singleElement()
                .satisfies(reply -> assertThat(reply.value().getEpoch()).isEqualTo(2));
        assertThat(groups.events()).singleElement().satisfies(event -> {
            assertThat(event.key()).isEqualTo(G);
            assertThat(event.value().getEvent()).isInstanceOf(CommitAccepted.class);
        });
    }

    @Test
    void shouldSendTheCommitToTheRemovedDevicesButNotToPendingRemovedOnes() {
        // given
        GroupFanoutDriver groups = start();
        aliceBobCarol(groups);
        groups.send(leave(G, "carol.1"));
        groups.drain();

        // when
        groups.send(remove(G, "alice.1", 1, "bob", 1, 2, 3));

        // then
        List<TestRecord<String, Delivery>> copies = groups.deliveries();
        assertThat(copies).extracting(TestRecord::key).containsExactly("bob.1", "bob.2");
        assertThat(copies).extracting(copy -> copy.value().getCiphertextType()).containsOnly(11);
        assertThat(copies)
                .extracting(copy -> copy.value().getMessageId())
                .containsOnly(UUID.nameUUIDFromBytes((G + ":2:commit").getBytes(StandardCharsets.UTF_8))
                        .toString());
    }

    @Test
    void shouldTellTheRemainingDevicesAndTheLeaversOtherDevicesThatAMemberLeftAndStopSendingToItsDevices() {
        // given
        GroupFanoutDriver groups = start();
        aliceBobCarol(groups);

        // when
        groups.send(leave(G, "bob.1"));
        List<TestRecord<String, Delivery>> notices = groups.deliveries();
        groups.send(message(G, "alice.1", 1, "m1"));

        // then
        assertThat(notices).extracting(TestRecord::key).containsExactly("alice.1", "carol.1", "bob.2");
        assertThat(notices)
                .extracting(copy -> copy.value().getEvent().getType())
                .containsOnly("group-member-left");
        assertThat(groups.deliveries()).extracting(TestRecord::key).containsExactly("carol.1");
    }

    @Test
    void shouldDeliverNothingOnARejectionAndRecordIt() {
        // given
        GroupFanoutDriver groups = start();
        aliceBobCarol(groups);
        groups.send(update(G, "bob.1", 1));
        groups.drain();

        // when
        groups.send(add(G, "alice.1", 1, List.of("dave.1")));

        // then
        assertThat(groups.deliveries()).isEmpty();
        assertThat(groups.replies()).singleElement().satisfies(reply -> {
            assertThat(reply.value().getStatus()).isEqualTo(409);
            assertThat(reply.value().getProblemType()).isEqualTo("stale-epoch");
            assertThat(reply.value().getEpoch()).isEqualTo(2);
        });
        assertThat(groups.events())
                .singleElement()
                .satisfies(event -> assertThat(event.value().getEvent()).isInstanceOf(CommandRejected.class));
        assertThat(groups.metadata()).singleElement().satisfies(metadata -> {
            assertThat(metadata.getKind()).isEqualTo("rejected");
            assertThat(metadata.getReason()).isEqualTo("stale-epoch");
        });
    }

    @Test
    void shouldPutEachReplyOnTheCommandsReplyPartitionKeyedByRequestId() {
        // given
        GroupFanoutDriver groups = start();
        GroupCommand toNodeThree = create(G, "alice.1");
        toNodeThree.setReplyPartition(3);
        GroupCommand toNodeOne = message(G, "alice.1", 0, "m1");
        toNodeOne.setReplyPartition(1);

        // when
        groups.send(toNodeThree);
        groups.send(toNodeOne);

        // then
        assertThat(groups.replyPartitions()).containsExactly(3, 1);
        assertThat(groups.replies())
                .extracting(TestRecord::key)
                .containsExactly(toNodeThree.getRequestId(), toNodeOne.getRequestId());
    }

    @Test
    void shouldDropAReplyForAPartitionBeyondTheTopicButKeepTheCommandsEffects() {
        // given
        GroupFanoutDriver groups = start();
        GroupCommand command = create(G, "alice.1");
        command.setReplyPartition(4);

        // when
        groups.send(command);

        // then
        assertThat(groups.replies()).isEmpty();
        assertThat(groups.events()).hasSize(1);
    }

    @Test
    void shouldRejectACommandWhoseKeyIsNotItsGroup() {
        // given
        GroupFanoutDriver groups = start();

        // when
        groups.send("another-group", create(G, "alice.1"));

        // then
        assertThat(groups.replies())
                .extracting(TestRecord::value)
                .extracting(GroupReply::getProblemType)
                .containsExactly("invalid-mls-message");
        groups.send(create(G, "alice.1"));
        assertThat(groups.replies())
                .extracting(reply -> reply.value().getStatus())
                .containsExactly(201);
    }

    @Test
    void shouldDecideTheSameFromTheStoreAloneWithoutTheStateCache() {
        // given
        GroupFanoutDriver groups = start(GroupSettings.defaults().withStateCacheLeaves(0));
        aliceBobCarol(groups);

        // when
        groups.send(update(G, "carol.1", 1));
        groups.send(update(G, "bob.1", 1));
        groups.send(message(G, "bob.2", 2, "m1"));

        // then
        assertThat(groups.replies())
                .extracting(
                        reply -> reply.value().getStatus() + " " + reply.value().getEpoch())
                .containsExactly("200 2", "409 2", "201 2");
        assertThat(groups.deliveries())
                .extracting(TestRecord::key)
                .containsExactly("alice.1", "bob.1", "bob.2", "alice.1", "bob.1", "carol.1");
    }

    private static String text(Delivery copy) {
        return StandardCharsets.UTF_8.decode(copy.getContent().duplicate()).toString();
    }
}
