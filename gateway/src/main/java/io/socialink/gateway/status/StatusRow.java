package io.socialink.gateway.status;

import java.time.Instant;

/** One row of the status projection: one device copy of a message, no content. */
public record StatusRow(String messageId, String senderUserId, int senderDeviceId, String recipientUserId,
                        int recipientDeviceId, String destinationUserId, int ciphertextBytes, Instant sentAt,
                        Instant expiresAt, Instant deliveredAt, Instant readAt, Instant deletedAt, Instant droppedAt,
                        String dropReason) {

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
