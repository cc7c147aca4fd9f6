package io.socialink.gateway.messages;

import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.DeviceEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Server-made, queued device events of the message lifecycle ({@code receipt}, {@code delete}): a {@link Delivery}
 * with empty content, rendered by the socket as {@code {"type", "messageId", ...attributes}}. The frame's
 * {@code messageId} is the event's own id, which the device acks like an envelope; the message the event is about
 * is the {@code targetMessageId} attribute. Event ids are name-based, so producing the same event twice (a consumer
 * replay) is dropped by the worker's per-device idempotency.
 */
public final class DeviceEvents {

    public static final String RECEIPT = "receipt";
    public static final String DELETE = "delete";
    public static final String TARGET_MESSAGE_ID = "targetMessageId";

    private DeviceEvents() {}

    /** A deterministic event id from its parts. */
    public static String eventId(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("|", parts).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    public static Delivery event(
            String eventId,
            String type,
            Map<String, String> attributes,
            String fromUser,
            int fromDevice,
            String toUser,
            int toDevice,
            Instant at) {
        return event(eventId, type, attributes, List.of(), fromUser, fromDevice, toUser, toDevice, at);
    }

    /** An event with {@code entries}, each rendered as an object of strings in the frame's {@code entries} array. */
    public static Delivery event(
            String eventId,
            String type,
            Map<String, String> attributes,
            List<Map<String, String>> entries,
            String fromUser,
            int fromDevice,
            String toUser,
            int toDevice,
            Instant at) {
        return Delivery.newBuilder()
                .setMessageId(eventId)
                .setSenderUserId(fromUser)
                .setSenderDeviceId(fromDevice)
                .setRecipientUserId(toUser)
                .setRecipientDeviceId(toDevice)
                .setSentAt(at)
                .setCiphertextType(0)
                .setContent(ByteBuffer.allocate(0))
                .setEvent(DeviceEvent.newBuilder()
                        .setType(type)
                        .setAttributes(Map.copyOf(attributes))
                        .setEntries(List.copyOf(entries))
                        .build())
                .build();
    }
}
