package io.socialink.client.socket;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Reads server frames and writes client frames of the WebSocket protocol. Thread-safe. */
public final class FrameParser {

    private final JsonMapper mapper = JsonMapper.builder().build();
    /** Reads one member's value of a frame: the rest of the frame follows it, which is no trailing garbage. */
    private final ObjectReader memberValue =
            mapper.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** @throws MalformedFrameException when the text is not a well-formed frame */
    public ServerFrame parse(String text) {
        ObjectNode json = mapper.createObjectNode();
        byte[] content = null;
        try (JsonParser frame = mapper.createParser(text)) {
            if (frame.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedFrameException("frame is not an object with a type");
            }
            while (frame.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = frame.currentName();
                JsonToken value = frame.nextToken();
                if (content == null
                        && value == JsonToken.VALUE_STRING
                        && name.equals("content")
                        && "envelope".equals(json.path("type").asString(null))) {
                    // an envelope's ciphertext is decoded from the parser's buffer as it is read: a Welcome's
                    // ~650,000 characters never become a String of their own (the server writes type first)
                    content = base64(frame);
                } else {
                    json.set(name, memberValue.<JsonNode>readValue(frame));
                }
            }
            if (frame.currentToken() != JsonToken.END_OBJECT || frame.nextToken() != null) {
                throw new MalformedFrameException("frame is not JSON");
            }
        } catch (JacksonException e) {
            throw new MalformedFrameException("frame is not JSON", e);
        }
        if (!json.path("type").isString()) {
            throw new MalformedFrameException("frame is not an object with a type");
        }
        String type = json.get("type").asString();
        return switch (type) {
            case "envelope" -> envelope(json, content);
            case "queue-empty" -> new ServerFrame.QueueEmpty();
            case "pong" -> new ServerFrame.Pong(json.path("id").asString(null));
            case "send-result" ->
                new ServerFrame.SendResult(
                        required(json, "requestId").asString(),
                        required(json, "status").asInt(),
                        json);
            case "error" ->
                new ServerFrame.Error(firstText(json, "code", "title", "error"), firstText(json, "detail", "message"));
            case DeviceEvent.CALL -> {
                DeviceEvent event = event(type, json);
                // checked here, so that a malformed call frame is reported (onError) like any malformed frame
                CallFrame.of(event);
                yield event;
            }
            default -> event(type, json);
        };
    }

    private static byte[] base64(JsonParser frame) {
        try {
            return frame.getBinaryValue();
        } catch (JacksonException e) {
            throw new MalformedFrameException("bad envelope: content is not base64", e);
        }
    }

    public String ack(Collection<String> messageIds) {
        ObjectNode frame = mapper.createObjectNode().put("type", "ack");
        messageIds.forEach(frame.putArray("messageIds")::add);
        return mapper.writeValueAsString(frame);
    }

    /** A {@code send} frame: the REST send's body ({@code sendBody}, a JSON object) with a type and requestId. */
    public String send(String requestId, ObjectNode sendBody) {
        ObjectNode frame = mapper.createObjectNode().put("type", "send").put("requestId", requestId);
        frame.setAll(sendBody);
        return mapper.writeValueAsString(frame);
    }

    public String presenceSubscribe(List<String> userIds) {
        ObjectNode frame = mapper.createObjectNode().put("type", "presence-subscribe");
        userIds.forEach(frame.putArray("userIds")::add);
        return mapper.writeValueAsString(frame);
    }

    public String typing(String conversationId, boolean typing) {
        return mapper.writeValueAsString(mapper.createObjectNode()
                .put("type", "typing")
                .put("conversationId", conversationId)
                .put("typing", typing));
    }

    public String ping(String id) {
        return mapper.writeValueAsString(
                mapper.createObjectNode().put("type", "ping").put("id", id));
    }

    /** {@code content}: the ciphertext when it was decoded while parsing, else null (read from the tree). */
    private static Envelope envelope(JsonNode json, byte @Nullable [] content) {
        try {
            JsonNode sender = json.path("sender");
            String senderUserId = required(sender, "userId").asString();
            JsonNode expiresAt = json.get("expiresAt");
            JsonNode groupId = json.get("groupId");
            return new Envelope(
                    UUID.fromString(required(json, "messageId").asString()),
                    senderUserId,
                    required(sender, "deviceId").asInt(),
                    json.path("ciphertextType").asInt(),
                    content != null
                            ? content
                            : Base64.getDecoder()
                                    .decode(required(json, "content").asString()),
                    required(json, "sentAt").asLong(),
                    expiresAt == null || expiresAt.isNull() ? null : expiresAt.asLong(),
                    groupId == null || groupId.isNull() ? null : groupId.asString());
        } catch (IllegalArgumentException e) {
            throw e instanceof MalformedFrameException malformed
                    ? malformed
                    : new MalformedFrameException("bad envelope: " + e.getMessage(), e);
        }
    }

    /** Any other type: a server-made device event, or a frame newer than this client, kept for the listener. */
    private static DeviceEvent event(String type, JsonNode json) {
        UUID messageId = null;
        Map<String, String> attributes = new LinkedHashMap<>();
        List<Map<String, String>> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> member : json.properties()) {
            String name = member.getKey();
            JsonNode value = member.getValue();
            if (name.equals("type")) {
                continue;
            }
            if (name.equals("entries") && value.isArray()) {
                for (JsonNode item : value) {
                    if (!item.isObject()) {
                        throw new MalformedFrameException("an entry of a " + type + " frame is not an object");
                    }
                    Map<String, String> entry = new LinkedHashMap<>();
                    item.properties()
                            .forEach(field -> entry.put(
                                    field.getKey(),
                                    field.getValue().isValueNode()
                                            ? field.getValue().asString()
                                            : field.getValue().toString()));
                    entries.add(entry);
                }
                continue;
            }
            if (name.equals("messageId")) {
                try {
                    messageId = value.isNull() ? null : UUID.fromString(value.asString());
                } catch (IllegalArgumentException e) {
                    throw new MalformedFrameException("bad messageId in " + type + " frame", e);
                }
                continue;
            }
            attributes.put(name, value.isValueNode() ? value.asString() : value.toString());
        }
        return new DeviceEvent(type, messageId, attributes, entries);
    }

    private static JsonNode required(JsonNode parent, String member) {
        JsonNode node = parent.get(member);
        if (node == null || node.isNull()) {
            throw new MalformedFrameException("envelope without " + member);
        }
        return node;
    }

    private static @Nullable String firstText(JsonNode json, String... members) {
        for (String member : members) {
            JsonNode node = json.get(member);
            if (node != null && !node.isNull()) {
                return node.asString();
            }
        }
        return null;
    }
}
