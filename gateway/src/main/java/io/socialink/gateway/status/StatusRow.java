package io.socialink.gateway.status;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One row of the status projection: one device copy of a message, no content. */
public record StatusRow(
        String messageId,
        String senderUserId,
        int senderDeviceId,
        String recipientUserId,
        int recipientDeviceId,
        String destinationUserId,
        int ciphertextBytes,
        Instant sentAt,
        @Nullable Instant expiresAt,
        @Nullable Instant deliveredAt,
        @Nullable Instant readAt,
        @Nullable Instant deletedAt,
        @Nullable Instant droppedAt,
        @Nullable String dropReason) {

    /** The copy's status as the conversation endpoint shows it. */
    public String status() {
        if (droppedAt != null) {
            return "dropped";
        }
        if (readAt != null) {
            return "read";
        }
        return deliveredAt != null ? "delivered" : "sent";
    }
}
