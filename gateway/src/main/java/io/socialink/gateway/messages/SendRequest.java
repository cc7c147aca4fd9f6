package io.socialink.gateway.messages;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Body of {@code POST /api/v1/messages/send/{senderId}}; validated by {@link SendRequestValidator}.
 * {@code expiresInSeconds} makes a disappearing message (null: it does not disappear).
 */
public record SendRequest(
        String destination,
        String idempotencyKey,
        List<OutgoingMessage> messages,
        @Nullable Long expiresInSeconds) {

    public SendRequest(String destination, String idempotencyKey, List<OutgoingMessage> messages) {
        this(destination, idempotencyKey, messages, null);
    }

    /** One ciphertext copy for one device; {@code content} is base64. */
    public record OutgoingMessage(
            String userId, Integer deviceId, Integer registrationId, Integer type, String content) {}
}
