package io.socialink.calls.decide;

import io.socialink.schemas.avro.CallPayload;
import io.socialink.schemas.avro.CallState;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.DeviceEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The per-device copies of a call's events: device events of type {@code call} (docs/architecture.md, "Calls"),
 * carrying the peer's ciphertext for ring, accepted and ice. Each event of a call has one messageId for all its
 * copies, name-based from the callId, so a command decided again after a crash makes copies the delivery-worker
 * already knows, and an ending event can name the ring it replaces ({@code targetMessageId}): the worker removes the
 * ring from a queue that still holds it, so no device gets a ring after the ring ended.
 */
final class CallCopies {

    static final String TYPE = "call";
    static final String TARGET_MESSAGE_ID = "targetMessageId";

    private CallCopies() {}

    static String messageId(String callId, String event) {
        return UUID.nameUUIDFromBytes((callId + ":" + event).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    static String ringId(CallState call) {
        return messageId(call.getCallId(), "ring");
    }

    static String media(CallState call) {
        return call.getMedia().name().toLowerCase(Locale.ROOT);
    }

    /** An ending or answered-elsewhere event for {@code devices} of {@code user}, removing their undelivered ring. */
    static void ringEnded(
            List<Delivery> out,
            CallState call,
            String event,
            String user,
            List<Integer> devices,
            String senderUser,
            int senderDevice,
            long now,
            Map<String, String> extra) {
        Map<String, String> attributes = new LinkedHashMap<>(extra);
        attributes.put(TARGET_MESSAGE_ID, ringId(call));
        for (int device : devices) {
            out.add(copy(
                    call, event, event, user, device, senderUser, senderDevice, now, null, attributes, false, null));
        }
    }

    static Delivery copy(
            CallState call,
            String event,
            String idSeed,
            String recipientUser,
            int recipientDevice,
            String senderUser,
            int senderDevice,
            long now,
            @Nullable CallPayload payload,
            Map<String, String> extra,
            boolean ephemeral,
            @Nullable Long expiresAt) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("event", event);
        attributes.put("callId", call.getCallId());
        attributes.put("callerUserId", call.getCallerUserId());
        attributes.put("callerDeviceId", Integer.toString(call.getCallerDeviceId()));
        attributes.put("calleeUserId", call.getCalleeUserId());
        attributes.put("media", media(call));
        attributes.putAll(extra);
        return Delivery.newBuilder()
                .setMessageId(messageId(call.getCallId(), idSeed))
                .setSenderUserId(senderUser)
                .setSenderDeviceId(senderDevice)
                .setRecipientUserId(recipientUser)
                .setRecipientDeviceId(recipientDevice)
                .setSentAt(Instant.ofEpochMilli(now))
                .setCiphertextType(payload == null ? 0 : payload.getCiphertextType())
                .setContent(
                        payload == null
                                ? ByteBuffer.allocate(0)
                                : payload.getContent().duplicate())
                .setExpiresAt(expiresAt == null ? null : Instant.ofEpochMilli(expiresAt))
                .setEvent(DeviceEvent.newBuilder()
                        .setType(TYPE)
                        .setAttributes(attributes)
                        .setEntries(List.of())
                        .build())
                .setEphemeral(ephemeral)
                .build();
    }
}
