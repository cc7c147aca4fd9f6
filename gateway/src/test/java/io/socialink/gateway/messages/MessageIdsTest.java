package io.socialink.gateway.messages;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.auth.DeviceAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MessageIdsTest {

    @Test
    void shouldDeriveTheNameBasedUuidOfSenderDeviceAndKey() {
        // given
        DeviceAddress sender = new DeviceAddress("alice", 2);

        // when
        UUID messageId = MessageIds.derive(sender, "key-1");

        // then
        assertThat(messageId).isEqualTo(UUID.nameUUIDFromBytes("alice.2:key-1".getBytes(StandardCharsets.UTF_8)));
        assertThat(messageId.version()).isEqualTo(3);
    }

    @Test
    void shouldGiveTheSameIdForARetryAndDifferentIdsForOtherDevicesOrKeys() {
        // given
        DeviceAddress sender = new DeviceAddress("alice", 2);

        // when
        UUID first = MessageIds.derive(sender, "key-1");
        UUID retry = MessageIds.derive(new DeviceAddress("alice", 2), "key-1");
        UUID otherDevice = MessageIds.derive(new DeviceAddress("alice", 3), "key-1");
        UUID otherKey = MessageIds.derive(sender, "key-2");

        // then
        assertThat(retry).isEqualTo(first);
        assertThat(otherDevice).isNotEqualTo(first);
        assertThat(otherKey).isNotEqualTo(first);
    }
}
