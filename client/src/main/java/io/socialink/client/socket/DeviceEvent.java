package io.socialink.client.socket;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A server-made frame that is not an envelope: {@code low-prekeys} (ephemeral: pushed only while the device is
 * online, never queued, not acked), {@code receipt} and {@code delete} (queued and acked like envelopes), or a type
 * this client does not know yet. {@code attributes} are the frame's other members as text; {@code messageId} is
 * null when the frame has none.
 */
public record DeviceEvent(String type, UUID messageId, Map<String, String> attributes) implements ServerFrame {

    public static final String LOW_PREKEYS = "low-prekeys";
    public static final String RECEIPT = "receipt";
    public static final String DELETE = "delete";

    private static final Set<String> EPHEMERAL = Set.of(LOW_PREKEYS);

    public DeviceEvent {
        attributes = Map.copyOf(attributes);
    }

    /** Whether the server never queues this kind of event, so it needs no ack. */
    public boolean ephemeral() {
        return EPHEMERAL.contains(type);
    }

    /** An integer attribute, or {@code fallback} when absent or not a number. */
    public int intAttribute(String name, int fallback) {
        String value = attributes.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
