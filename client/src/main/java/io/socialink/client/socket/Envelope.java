package io.socialink.client.socket;

import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One message copy pushed to this device: opaque content from {@code senderUserId.senderDeviceId}, accepted by
 * the gateway at {@code sentAt} (epoch millis); {@code expiresAt} is null when only the queue TTL applies.
 * {@code groupId} (base64url MLS group id) is set on group copies only, whose {@code ciphertextType} is
 * {@link #MLS_APPLICATION}, {@link #MLS_COMMIT} or {@link #MLS_WELCOME}; it is null on 1:1 copies.
 */
public record Envelope(
        UUID messageId,
        String senderUserId,
        int senderDeviceId,
        int ciphertextType,
        byte[] content,
        long sentAt,
        @Nullable Long expiresAt,
        @Nullable String groupId)
        implements ServerFrame {

    /** A group application message (MLS PrivateMessage). */
    public static final int MLS_APPLICATION = 10;
    /** A group Commit (MLS PublicMessage), the accepted one of its epoch. */
    public static final int MLS_COMMIT = 11;
    /** A Welcome into a group (MLSMessage with wire format mls_welcome). */
    public static final int MLS_WELCOME = 12;

    public Envelope {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(senderUserId, "senderUserId");
        Objects.requireNonNull(content, "content");
    }

    /** A 1:1 copy (no group). */
    public Envelope(
            UUID messageId,
            String senderUserId,
            int senderDeviceId,
            int ciphertextType,
            byte[] content,
            long sentAt,
            @Nullable Long expiresAt) {
        this(messageId, senderUserId, senderDeviceId, ciphertextType, content, sentAt, expiresAt, null);
    }

    /** Whether this copy belongs to an MLS group. */
    public boolean isGroup() {
        return groupId != null;
    }

    /** {@code userId.deviceId} of the sending device. */
    public String senderAddress() {
        return senderUserId + "." + senderDeviceId;
    }

    @Override
    public String toString() {
        return "Envelope[" + messageId + " from " + senderAddress() + (groupId == null ? "" : " in " + groupId)
                + ", type=" + ciphertextType + ", " + content.length + " bytes, sentAt=" + sentAt + "]";
    }
}
