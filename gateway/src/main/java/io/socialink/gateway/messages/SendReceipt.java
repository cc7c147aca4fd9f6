package io.socialink.gateway.messages;

import org.jspecify.annotations.Nullable;

/** The 201 answer of a send: {@code {"messageId", "sentAt" (epoch millis), "deviceCount"}}. */
public record SendReceipt(String messageId, long sentAt, int deviceCount) {

    /** {@code messageId,sentAt,deviceCount}, the form kept in Redis. */
    String encode() {
        return messageId + "," + sentAt + "," + deviceCount;
    }

    /** The receipt {@link #encode()} wrote; null for anything else. */
    static @Nullable SendReceipt decode(@Nullable String value) {
        String[] parts = value == null ? new String[0] : value.split(",", -1);
        if (parts.length != 3) {
            return null;
        }
        try {
            return new SendReceipt(parts[0], Long.parseLong(parts[1]), Integer.parseInt(parts[2]));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
