package io.socialink.client.mls;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.socket.DeviceEvent;
import io.socialink.client.socket.DeviceSocketListener;
import io.socialink.client.socket.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What {@link MlsGroups#socketListener} routes to the groups and what to the other listener. */
class GroupSocketListenerTest {

    @Test
    void shouldRouteGroupFramesToTheGroupsAndTheRestToTheOtherListener() {
        // given
        List<Object> others = new ArrayList<>();
        DeviceSocketListener other = new DeviceSocketListener() {
            @Override
            public void onEnvelope(Envelope envelope) {
                others.add(envelope);
            }

            @Override
            public void onEvent(DeviceEvent event) {
                others.add(event);
            }
        };
        MlsInbox inbox = new MlsInbox();
        try (FakeGroupServer server = new FakeGroupServer()) {
            MlsGroups groups = new MlsGroups(MlsIdentity.generate("alice", 1), server.device("alice", 0), inbox);
            DeviceSocketListener listener = groups.socketListener(other);
            Envelope direct = new Envelope(UUID.randomUUID(), "bob", 1, 2, new byte[] {1}, 1L, null);
            Envelope group = new Envelope(
                    UUID.randomUUID(), "bob", 1, Envelope.MLS_APPLICATION, new byte[] {1}, 1L, null, "dGVhbQ");
            DeviceEvent receipt = new DeviceEvent(DeviceEvent.RECEIPT, UUID.randomUUID(), Map.of("status", "read"));
            DeviceEvent left = new DeviceEvent(
                    DeviceEvent.GROUP_MEMBER_LEFT,
                    UUID.randomUUID(),
                    Map.of("groupId", "dGVhbQ", "userId", "bob", "leaves", "1"));

            // when
            listener.onEnvelope(direct);
            listener.onEnvelope(group);
            listener.onEvent(receipt);
            listener.onEvent(left);
            listener.onQueueEmpty();

            // then the 1:1 envelope and the receipt went on; the group envelope was the groups' (unknown group)
            assertThat(others).containsExactly(direct, receipt);
            assertThat(inbox.undecryptable()).singleElement().asString().contains("not in");
            assertThat(inbox.queueEmptyFrames()).isEqualTo(1);
        }
    }
}
