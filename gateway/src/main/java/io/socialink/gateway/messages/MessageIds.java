package io.socialink.gateway.messages;

import io.socialink.gateway.auth.DeviceAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Message ids are name-based UUIDs of {@code senderUserId.senderDeviceId:idempotencyKey}: a retried send gets the
 * same id on every gateway node without coordination, and every device copy of one send shares it.
 */
public final class MessageIds {

    private MessageIds() {}

    public static UUID derive(DeviceAddress sender, String idempotencyKey) {
        String name = sender.userId() + "." + sender.deviceId() + ":" + idempotencyKey;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }
}
