package io.socialink.client.socket;

import java.util.Objects;
import java.util.UUID;

/**
 * One message copy pushed to this device: opaque content from {@code senderUserId.senderDeviceId}, accepted by
 * the gateway at {@code sentAt} (epoch millis); {@code expiresAt} is null when only the queue TTL applies.
 */
public record Envelope(UUID messageId, String senderUserId, int senderDeviceId, int ciphertextType, byte[] content,
                       long sentAt, Long expiresAt) implements ServerFrame {

    public Envelope {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(senderUserId, "senderUserId");
        Objects.requireNonNull(content, "content");
    }

    /** {@code userId.deviceId} of the sending device. */
    public String senderAddress() {
        return senderUserId + "." + senderDeviceId;
    }

    @Override
    public String toString() {
        return "Envelope[" + messageId + " from " + senderAddress() + ", type=" + ciphertextType + ", "
                + content.length + " bytes, sentAt=" + sentAt + "]";
    }
}
