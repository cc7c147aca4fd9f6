package io.socialink.client.mls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.client.socket.DeviceEvent;
import io.socialink.client.socket.Envelope;
import io.socialink.client.socket.FrameParser;
import io.socialink.client.socket.ServerFrame;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Group frames as the socket reads them, group ids, and what a Commit says without keys. */
class GroupFramesTest {

    private final FrameParser parser = new FrameParser();

    @Test
    void shouldReadTheGroupIdOfAGroupEnvelopeAndNoneOfA1To1One() {
        // given
        String group = "{\"type\":\"envelope\",\"messageId\":\"7b0a2c36-3f7e-4a52-9b7e-0c0f1d1e2f30\","
                + "\"sender\":{\"userId\":\"alice\",\"deviceId\":1},\"ciphertextType\":10,\"content\":\"AAE=\","
                + "\"sentAt\":1,\"expiresAt\":null,\"groupId\":\"dGVhbQ\"}";
        String direct =
                group.replace(",\"groupId\":\"dGVhbQ\"", "").replace("\"ciphertextType\":10", "\"ciphertextType\":2");

        // when
        ServerFrame groupFrame = parser.parse(group);
        ServerFrame directFrame = parser.parse(direct);

        // then
        assertThat(groupFrame).isInstanceOfSatisfying(Envelope.class, envelope -> {
            assertThat(envelope.groupId()).isEqualTo("dGVhbQ");
            assertThat(envelope.isGroup()).isTrue();
            assertThat(envelope.ciphertextType()).isEqualTo(Envelope.MLS_APPLICATION);
        });
        assertThat(directFrame).isInstanceOfSatisfying(Envelope.class, envelope -> assertThat(envelope.groupId())
                .isNull());
    }

    @Test
    void shouldReadAGroupMemberLeftEventAndItsLeaves() {
        // given
        String frame = "{\"type\":\"group-member-left\",\"messageId\":\"7b0a2c36-3f7e-4a52-9b7e-0c0f1d1e2f31\","
                + "\"groupId\":\"dGVhbQ\",\"userId\":\"bob\",\"leaves\":\"1,3\"}";

        // when
        ServerFrame parsed = parser.parse(frame);

        // then
        assertThat(parsed).isInstanceOfSatisfying(DeviceEvent.class, event -> {
            assertThat(event.type()).isEqualTo(DeviceEvent.GROUP_MEMBER_LEFT);
            assertThat(event.ephemeral()).isFalse();
            assertThat(event.attributes()).containsEntry("groupId", "dGVhbQ").containsEntry("userId", "bob");
            assertThat(MlsGroups.parseLeaves(event.attributes().get("leaves"))).containsExactly(1, 3);
        });
        assertThat(MlsGroups.parseLeaves("[0, 2]")).containsExactly(0, 2);
    }

    @Test
    void shouldAcceptOnlyCanonicalGroupIds() {
        // given / when / then
        assertThat(GroupIds.fromName("team")).isEqualTo("dGVhbQ");
        assertThat(GroupIds.decode("dGVhbQ")).containsExactly('t', 'e', 'a', 'm');
        assertThat(GroupIds.of("dGVhbQ")).isEqualTo("dGVhbQ");
        assertThat(GroupIds.of("my team!")).isEqualTo(GroupIds.fromName("my team!"));
        assertThat(GroupIds.random()).hasSize(22);
        assertThatThrownBy(() -> GroupIds.decode("dGVhbR")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GroupIds.decode("dGVhbQ==")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GroupIds.decode("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldReadAddsAndRemovesOfACommitWithoutKeys() throws Exception {
        // given a commit that adds bob and carol, as alice's device built it
        try (FakeGroupServer server = new FakeGroupServer()) {
            FakeGroupServer.Device alice = server.device("alice", 1);
            server.device("bob", 1);
            server.device("carol", 1);
            String group = GroupIds.fromName("summary");
            alice.groups.create(group);
            alice.groups.add(group, List.of("bob", "carol"));
            FakeGroupServer.Device bob = server.device("bob.1");
            assertThat(bob.groups.awaitGroup(group, java.time.Duration.ofSeconds(10)))
                    .isTrue();
            alice.groups.remove(group, "carol");
            server.awaitIdle(java.time.Duration.ofSeconds(10));

            // when bob's view of the removal commit is read
            GroupEpochChange change = bob.inbox.epochs().get(0);

            // then
            assertThat(change.epoch()).isEqualTo(2);
            assertThat(change.committer()).isEqualTo("alice.1");
            assertThat(change.removed()).containsExactly("carol.1");
            assertThat(change.added()).isEmpty();
        }
    }

    @Test
    void shouldRefuseToReadAnApplicationMessageAsACommit() {
        // given
        byte[] notACommit = {0, 1, 0, 2, 0};

        // when / then
        assertThatThrownBy(() -> CommitSummary.read(notACommit)).isInstanceOf(MlsException.class);
        assertThatThrownBy(() -> CommitSummary.read(new byte[] {0, 1})).isInstanceOf(MlsException.class);
    }
}
