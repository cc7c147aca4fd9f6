package io.socialink.client.api;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The body of a message send, the same for {@code POST /api/v1/messages/send/{senderId}} and a socket's send frame. */
public final class SendBody {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private SendBody() {}

    /** {@code expiresIn}: whole seconds of a disappearing message, or null. */
    public static ObjectNode of(
            String destination, String idempotencyKey, List<OutgoingCopy> copies, @Nullable Duration expiresIn) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("destination", destination);
        body.put("idempotencyKey", idempotencyKey);
        if (expiresIn != null) {
            body.put("expiresInSeconds", expiresIn.toSeconds());
        }
        ArrayNode messages = body.putArray("messages");
        Base64.Encoder base64 = Base64.getEncoder();
        for (OutgoingCopy copy : copies) {
            messages.addObject()
                    .put("userId", copy.userId())
                    .put("deviceId", copy.deviceId())
                    .put("registrationId", copy.registrationId())
                    .put("type", copy.type())
                    .put("content", base64.encodeToString(copy.content()));
        }
        return body;
    }
}
