package io.socialink.client.api;

import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One page of {@code GET /api/v1/messages/conversation}: message metadata between two users, newest first, never
 * content. {@code nextBefore} is the cursor of the next page, null on the last one.
 */
public record Conversation(List<Message> messages, @Nullable Long nextBefore) {

    /** One message and the status of each of its device copies. */
    public record Message(
            UUID messageId,
            String senderUserId,
            int senderDeviceId,
            long sentAt,
            @Nullable Long expiresAt,
            boolean deleted,
            List<CopyStatus> recipients) {

        /** The status of the copy for one device, or null when the message had no copy for it. */
        public @Nullable String statusOf(String userId, int deviceId) {
            return recipients.stream()
                    .filter(copy -> copy.userId().equals(userId) && copy.deviceId() == deviceId)
                    .map(CopyStatus::status)
                    .findFirst()
                    .orElse(null);
        }
    }

    /** {@code status} is {@code sent}, {@code delivered}, {@code read} or {@code dropped}. */
    public record CopyStatus(
            String userId,
            int deviceId,
            String status,
            @Nullable Long deliveredAt,
            @Nullable Long readAt) {}

    /** The message with this id on this page, or null. */
    public @Nullable Message find(UUID messageId) {
        return messages.stream()
                .filter(message -> message.messageId().equals(messageId))
                .findFirst()
                .orElse(null);
    }
}
