package io.socialink.gateway.websocket;

import io.socialink.gateway.messages.SendReceipt;
import io.socialink.gateway.messages.SendRequest;
import io.socialink.gateway.presence.PresenceView;
import io.socialink.gateway.problem.Problem;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.DeviceEvent;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON text frames of {@code /ws/{userId}/{deviceId}} (docs/architecture.md). Server → client: envelope or
 * device event, queue-empty, pong, send-result and error; client → server: ack, ping and send. Unknown members of
 * client frames are ignored so
 * clients may add fields; anything else malformed is reported to the client as an error frame.
 */
@Component
public final class Frames {

    public static final int MAX_ACK_IDS = 1024;
    public static final int MAX_ID_LENGTH = 128;

    /** The longest conversation id: two 64-character user ids and their separator. */
    public static final int MAX_CONVERSATION_ID_LENGTH = 129;

    /** Members of a device event's frame that its attributes cannot replace. */
    private static final Set<String> RESERVED_EVENT_MEMBERS = Set.of("type", "messageId", "entries");

    /**
     * The members of a device event's ciphertext (a call's ring, accepted or ice frame), which attributes cannot
     * write either, so that in any frame they only ever mean what they mean in an envelope.
     */
    private static final Set<String> CIPHERTEXT_MEMBERS = Set.of("sender", "ciphertextType", "content");

    private final JsonMapper json;
    private final String queueEmpty;

    public Frames(JsonMapper json) {
        this.json = json;
        this.queueEmpty = write(frame -> frame.writeStringProperty("type", "queue-empty"));
    }

    /** A frame the client sent, already validated. */
    public sealed interface ClientFrame {}

    /** The device has stored these envelopes. */
    public record AckFrame(List<String> messageIds) implements ClientFrame {}

    /** A liveness probe; answered with a pong carrying the same id (null when the ping had none). */
    public record PingFrame(@Nullable String id) implements ClientFrame {}

    /**
     * A message send, the body of {@code POST /api/v1/messages/send/{senderId}} with a {@code requestId} that its
     * {@code send-result} carries back.
     */
    public record SendFrame(String requestId, SendRequest request) implements ClientFrame {}

    /** A send frame with a usable requestId whose body could not be read: answered with a 400 send-result. */
    public record BadSendFrame(String requestId, String detail) implements ClientFrame {}

    /** A frame that could not be understood, with the reason sent back in an error frame. */
    public record InvalidFrame(String reason) implements ClientFrame {}

    /** {@code {"type": "presence-subscribe", "userIds": [...]}}: the users this socket follows from now on. */
    public record PresenceSubscribeFrame(List<String> userIds) implements ClientFrame {}

    /** {@code {"type": "typing", "conversationId", "typing": bool}}: the device's user started or stopped typing. */
    public record TypingFrame(String conversationId, boolean typing) implements ClientFrame {}

    public ClientFrame parse(String text) {
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (JacksonException e) {
            return new InvalidFrame("frame is not JSON");
        }
        if (frame == null || !frame.isObject()) {
            return new InvalidFrame("frame must be a JSON object");
        }
        JsonNode type = frame.get("type");
        if (type == null || !type.isString()) {
            return new InvalidFrame("frame needs a string 'type'");
        }
        return switch (type.asString()) {
            case "ack" -> parseAck(frame.get("messageIds"));
            case "ping" -> parsePing(frame.get("id"));
            case "send" -> parseSend((ObjectNode) frame);
            case "typing" -> parseTyping(frame.get("conversationId"), frame.get("typing"));
            case "presence-subscribe" -> parsePresenceSubscribe(frame.get("userIds"));
            default -> new InvalidFrame("unknown frame type");
        };
    }

    private static ClientFrame parseAck(JsonNode ids) {
        if (ids == null || !ids.isArray() || ids.isEmpty() || ids.size() > MAX_ACK_IDS) {
            return new InvalidFrame("ack needs 'messageIds': 1.." + MAX_ACK_IDS + " strings");
        }
        List<String> messageIds = new ArrayList<>(ids.size());
        for (JsonNode id : ids) {
            if (!id.isString() || id.asString().isEmpty() || id.asString().length() > MAX_ID_LENGTH) {
                return new InvalidFrame("ack 'messageIds' must be non-empty strings");
            }
            messageIds.add(id.asString());
        }
        return new AckFrame(List.copyOf(messageIds));
    }

    private ClientFrame parseSend(ObjectNode frame) {
        JsonNode requestId = frame.get("requestId");
        if (requestId == null
                || !requestId.isString()
                || requestId.asString().isEmpty()
                || requestId.asString().length() > MAX_ID_LENGTH) {
            return new InvalidFrame("send needs a 'requestId': a string of 1.." + MAX_ID_LENGTH + " characters");
        }
        String id = requestId.asString();
        // the tree was parsed for this call alone: what is left without the frame's own members is the body
        frame.remove("type");
        frame.remove("requestId");
        try {
            return new SendFrame(id, json.treeToValue(frame, SendRequest.class));
        } catch (JacksonException e) {
            // the same strict binding as the REST body: a scalar of the wrong JSON type is refused, not coerced
            return new BadSendFrame(id, "malformed request body");
        }
    }

    private static ClientFrame parsePresenceSubscribe(@Nullable JsonNode ids) {
        if (ids == null || !ids.isArray()) {
            return new InvalidFrame("presence-subscribe needs 'userIds': an array of user ids");
        }
        List<String> userIds = new ArrayList<>(ids.size());
        for (JsonNode id : ids) {
            if (!id.isString()) {
                return new InvalidFrame("presence-subscribe 'userIds' must be strings");
            }
            userIds.add(id.asString());
        }
        return new PresenceSubscribeFrame(List.copyOf(userIds));
    }

    private static ClientFrame parseTyping(@Nullable JsonNode conversationId, @Nullable JsonNode typing) {
        if (conversationId == null
                || !conversationId.isString()
                || conversationId.asString().isEmpty()
                || conversationId.asString().length() > MAX_CONVERSATION_ID_LENGTH) {
            return new InvalidFrame(
                    "typing needs a 'conversationId': a string of 1.." + MAX_CONVERSATION_ID_LENGTH + " characters");
        }
        if (typing == null || !typing.isBoolean()) {
            return new InvalidFrame("typing needs a boolean 'typing'");
        }
        return new TypingFrame(conversationId.asString(), typing.asBoolean());
    }

    private static ClientFrame parsePing(JsonNode id) {
        if (id == null || id.isNull()) {
            return new PingFrame(null);
        }
        if (!id.isString() || id.asString().length() > MAX_ID_LENGTH) {
            return new InvalidFrame("ping 'id' must be a string of at most " + MAX_ID_LENGTH + " characters");
        }
        return new PingFrame(id.asString());
    }

    /**
     * The frame of a pushed delivery: client ciphertext as an {@code envelope}, a server-made device event as
     * {@code {"type": <event type>, "messageId", <attributes>..., "entries"?: [{...}]}} (attributes cannot replace
     * type, messageId, entries or groupId; {@code entries} only when the event has some, e.g. a receipt event's
     * receipts); a group delivery also carries {@code "groupId"}. A device event that also carries client ciphertext
     * (non-empty content: a call's {@code ring} with the offer, {@code accepted} with the answer, {@code ice} with a
     * candidate) has it as an envelope does: {@code "sender": {"userId", "deviceId"}, "ciphertextType", "content"}
     * (base64); attributes never write these three members. Server frames are written member by member with
     * Jackson's generator, the ciphertext base64-encoded from the record's own buffer: no map and no copy per frame.
     */
    public String delivery(Delivery delivery) {
        DeviceEvent event = delivery.getEvent();
        if (event == null) {
            return envelope(delivery);
        }
        ByteBuffer content = delivery.getContent();
        boolean ciphertext = content != null && content.hasRemaining();
        int sizeHint = ciphertext ? content.remaining() / 3 * 4 + 512 : 128;
        return write(sizeHint, frame -> {
            frame.writeStringProperty("type", event.getType());
            frame.writeStringProperty("messageId", delivery.getMessageId());
            if (delivery.getGroupId() != null) {
                frame.writeStringProperty("groupId", delivery.getGroupId());
            }
            if (event.getAttributes() != null) {
                event.getAttributes().forEach((name, value) -> {
                    if (!RESERVED_EVENT_MEMBERS.contains(name)
                            && (delivery.getGroupId() == null || !"groupId".equals(name))
                            && !CIPHERTEXT_MEMBERS.contains(name)) {
                        frame.writeStringProperty(name, value);
                    }
                });
            }
            if (ciphertext) {
                frame.writeObjectPropertyStart("sender");
                frame.writeStringProperty("userId", delivery.getSenderUserId());
                frame.writeNumberProperty("deviceId", delivery.getSenderDeviceId());
                frame.writeEndObject();
                frame.writeNumberProperty("ciphertextType", delivery.getCiphertextType());
                frame.writeName("content");
                writeBase64(frame, content);
            }
            if (event.getEntries() != null && !event.getEntries().isEmpty()) {
                frame.writeArrayPropertyStart("entries");
                for (Map<String, String> entry : event.getEntries()) {
                    frame.writeStartObject();
                    entry.forEach(frame::writeStringProperty);
                    frame.writeEndObject();
                }
                frame.writeEndArray();
            }
        });
    }

    /**
     * An ephemeral event that no device queue holds (typing): {@code {"type", "messageId", <attributes>...}}, the
     * shape of {@link #delivery}'s device events.
     */
    public String ephemeralEvent(String type, String messageId, Map<String, String> attributes) {
        return write(frame -> {
            frame.writeStringProperty("type", type);
            frame.writeStringProperty("messageId", messageId);
            attributes.forEach((name, value) -> {
                if (!RESERVED_EVENT_MEMBERS.contains(name)) {
                    frame.writeStringProperty(name, value);
                }
            });
        });
    }

    public String envelope(Delivery delivery) {
        return envelope(delivery, delivery.getContent());
    }

    /** The envelope of {@code delivery} with {@code content} as its ciphertext (a copy that refers to stored bytes). */
    public String envelope(Delivery delivery, ByteBuffer content) {
        return write(content.remaining() / 3 * 4 + 256, frame -> {
            frame.writeStringProperty("type", "envelope");
            frame.writeStringProperty("messageId", delivery.getMessageId());
            frame.writeObjectPropertyStart("sender");
            frame.writeStringProperty("userId", delivery.getSenderUserId());
            frame.writeNumberProperty("deviceId", delivery.getSenderDeviceId());
            frame.writeEndObject();
            frame.writeNumberProperty("ciphertextType", delivery.getCiphertextType());
            frame.writeName("content");
            writeBase64(frame, content);
            frame.writeNumberProperty("sentAt", delivery.getSentAt().toEpochMilli());
            if (delivery.getExpiresAt() == null) {
                frame.writeNullProperty("expiresAt");
            } else {
                frame.writeNumberProperty("expiresAt", delivery.getExpiresAt().toEpochMilli());
            }
            if (delivery.getGroupId() != null) {
                frame.writeStringProperty("groupId", delivery.getGroupId());
            }
        });
    }

    public String queueEmpty() {
        return queueEmpty;
    }

    public String pong(@Nullable String id) {
        return write(frame -> {
            frame.writeStringProperty("type", "pong");
            frame.writeStringProperty("id", id);
        });
    }

    /** An accepted send: {@code status} 201 and the members of the REST send's 201 body. */
    public String sendResult(String requestId, SendReceipt receipt) {
        return write(frame -> {
            frame.writeStringProperty("type", "send-result");
            frame.writeStringProperty("requestId", requestId);
            frame.writeNumberProperty("status", 201);
            frame.writeStringProperty("messageId", receipt.messageId());
            frame.writeNumberProperty("sentAt", receipt.sentAt());
            frame.writeNumberProperty("deviceCount", receipt.deviceCount());
        });
    }

    /**
     * A refused or failed send: {@code status} and the problem+json body the REST send would have answered, plus
     * {@code retryAfter} (seconds) where REST sends a Retry-After header.
     */
    public String sendResult(String requestId, Problem problem, @Nullable Long retryAfterSeconds) {
        return write(frame -> {
            frame.writeStringProperty("type", "send-result");
            frame.writeStringProperty("requestId", requestId);
            frame.writeNumberProperty("status", problem.status().value());
            frame.writePOJOProperty("problem", problem.body());
            if (retryAfterSeconds != null) {
                frame.writeNumberProperty("retryAfter", retryAfterSeconds);
            }
        });
    }

    /** {@code {"type": "presence", "userId", "online", "lastSeen", "status", "statusText"}}: a followed user changed. */
    public String presence(PresenceView view) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "presence");
        frame.putAll(view.body());
        return json.writeValueAsString(frame);
    }

    /** {@code {"type": "presence-snapshot", "users": [...]}}: the followed users now, answering a subscription. */
    public String presenceSnapshot(List<PresenceView> views) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "presence-snapshot");
        frame.put("users", views.stream().map(PresenceView::body).toList());
        return json.writeValueAsString(frame);
    }

    /** {@code {"type":"error","code":...,"detail":...}}; {@code code} is a problem name such as {@code bad-frame}. */
    public String error(String code, String detail) {
        return write(frame -> {
            frame.writeStringProperty("type", "error");
            frame.writeStringProperty("code", code);
            frame.writeStringProperty("detail", detail);
        });
    }

    /** One JSON object, its members written by {@code members}. */
    private String write(Consumer<JsonGenerator> members) {
        return write(128, members);
    }

    private String write(int sizeHint, Consumer<JsonGenerator> members) {
        StringWriter out = new StringWriter(sizeHint);
        try (JsonGenerator frame = json.createGenerator(out)) {
            frame.writeStartObject();
            members.accept(frame);
            frame.writeEndObject();
        }
        return out.toString();
    }

    /** Base64 of the buffer's remaining bytes, read from its backing array where it has one; its position stays. */
    private static void writeBase64(JsonGenerator frame, ByteBuffer content) {
        if (content.hasArray()) {
            frame.writeBinary(content.array(), content.arrayOffset() + content.position(), content.remaining());
            return;
        }
        ByteBuffer view = content.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        frame.writeBinary(bytes);
    }
}
