package io.socialink.client.socket;

import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@code call} frame (a device event of type {@code call}) read into its members: which call, which event, the
 * call's parties and media and, for {@code ring}, {@code accepted} and {@code ice}, the peer device's ciphertext
 * ({@code sender}, {@code ciphertextType}, {@code content}) as an envelope carries it (other events: no sender, an
 * empty content). The server writes every value
 * as a string; {@link #attributes()} keeps them all, e.g. {@code ringUntil}, {@code answeredDeviceId}, {@code seq},
 * {@code durationMillis}, {@code endedBy}. Queued call frames carry a messageId and are acked like envelopes;
 * {@code ice} frames are ephemeral.
 */
public record CallFrame(
        @Nullable UUID messageId,
        String event,
        UUID callId,
        String callerUserId,
        int callerDeviceId,
        String calleeUserId,
        String media,
        @Nullable String senderUserId,
        int senderDeviceId,
        int ciphertextType,
        byte[] content,
        Map<String, String> attributes) {

    public static final String RING = "ring";
    public static final String ACCEPTED = "accepted";
    public static final String ANSWERED_ELSEWHERE = "answered-elsewhere";
    public static final String DECLINED = "declined";
    public static final String CANCELLED = "cancelled";
    public static final String MISSED = "missed";
    public static final String ENDED = "ended";
    public static final String ICE = "ice";

    /** The events that carry the peer's ciphertext. */
    public static final Set<String> WITH_CONTENT = Set.of(RING, ACCEPTED, ICE);
    /** The events after which the call is over for the device that receives them. */
    public static final Set<String> FINAL = Set.of(ANSWERED_ELSEWHERE, DECLINED, CANCELLED, MISSED, ENDED);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public CallFrame {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(content, "content");
        attributes = Map.copyOf(attributes);
    }

    /**
     * Reads a {@code call} device event.
     *
     * @throws MalformedFrameException when a member the contract requires is missing or invalid
     */
    public static CallFrame of(DeviceEvent frame) {
        if (!DeviceEvent.CALL.equals(frame.type())) {
            throw new MalformedFrameException("not a call frame: " + frame.type());
        }
        Map<String, String> attributes = frame.attributes();
        String event = required(attributes, "event");
        UUID callId = uuid(required(attributes, "callId"), "callId");
        String senderUserId = null;
        int senderDeviceId = 0;
        int ciphertextType = 0;
        byte[] content = new byte[0];
        if (WITH_CONTENT.contains(event)) {
            JsonNode sender = sender(required(attributes, "sender"));
            senderUserId = text(sender, "userId");
            senderDeviceId = integer(text(sender, "deviceId"), "sender.deviceId");
            ciphertextType = integer(required(attributes, "ciphertextType"), "ciphertextType");
            try {
                content = Base64.getDecoder().decode(required(attributes, "content"));
            } catch (IllegalArgumentException e) {
                throw new MalformedFrameException("bad call frame: content is not base64", e);
            }
        }
        return new CallFrame(
                frame.messageId(),
                event,
                callId,
                required(attributes, "callerUserId"),
                integer(required(attributes, "callerDeviceId"), "callerDeviceId"),
                required(attributes, "calleeUserId"),
                attributes.getOrDefault("media", ""),
                senderUserId,
                senderDeviceId,
                ciphertextType,
                content,
                attributes);
    }

    /** Whether this frame carries the peer's ciphertext ({@link #content()} is empty otherwise). */
    public boolean hasContent() {
        return senderUserId != null;
    }

    /** {@code userId.deviceId} of the device whose ciphertext this is; null without content. */
    public @Nullable String senderAddress() {
        return senderUserId == null ? null : senderUserId + "." + senderDeviceId;
    }

    /** Whether the call is over for the device that received this frame. */
    public boolean isFinal() {
        return FINAL.contains(event);
    }

    /** A numeric attribute ({@code ringUntil}, {@code seq}, {@code durationMillis}, ...), or {@code fallback}. */
    public long longAttribute(String name, long fallback) {
        String value = attributes.get(name);
        if (value == null || value.isBlank() || value.equals("null")) {
            return fallback;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** A text attribute, or null when absent or null. */
    public @Nullable String attribute(String name) {
        String value = attributes.get(name);
        return value == null || value.equals("null") ? null : value;
    }

    @Override
    public String toString() {
        return "CallFrame[" + event + " " + callId + " " + callerUserId + "." + callerDeviceId + " -> "
                + calleeUserId + " " + media
                + (senderUserId == null ? "" : ", " + content.length + " bytes from " + senderAddress()) + "]";
    }

    private static String required(Map<String, String> attributes, String name) {
        String value = attributes.get(name);
        if (value == null || value.isEmpty() || value.equals("null")) {
            throw new MalformedFrameException("call frame without " + name);
        }
        return value;
    }

    private static JsonNode sender(String json) {
        try {
            JsonNode sender = JSON.readTree(json);
            if (!sender.isObject()) {
                throw new MalformedFrameException("bad call frame: sender is not an object");
            }
            return sender;
        } catch (JacksonException e) {
            throw new MalformedFrameException("bad call frame: sender is not an object", e);
        }
    }

    private static String text(JsonNode node, String member) {
        JsonNode value = node.get(member);
        if (value == null
                || value.isNull()
                || !value.isValueNode()
                || value.asString().isEmpty()) {
            throw new MalformedFrameException("call frame without sender." + member);
        }
        return value.asString();
    }

    private static int integer(String value, String name) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new MalformedFrameException("bad call frame: " + name + " is not a number", e);
        }
    }

    private static UUID uuid(String value, String name) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new MalformedFrameException("bad call frame: " + name + " is not a UUID", e);
        }
    }
}
