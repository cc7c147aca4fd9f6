package io.socialink.client.socket;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A server-made frame that is not an envelope: {@code low-prekeys} (ephemeral: pushed only while the device is
 * online, never queued, not acked), {@code call} ({@link #call()}; its {@code ice} events are ephemeral),
 * {@code receipt}, {@code delete} and {@code group-member-left} (acked like
 * envelopes when they carry a messageId), or a type
 * this client does not know yet. {@code attributes} are the frame's other members as text; {@code entries} the
 * objects of its {@code entries} array (a receipt event's receipts), their members as text; {@code messageId} is
 * null when the frame has none.
 */
public record DeviceEvent(
        String type, @Nullable UUID messageId, Map<String, String> attributes, List<Map<String, String>> entries)
        implements ServerFrame {

    public static final String LOW_PREKEYS = "low-prekeys";
    public static final String RECEIPT = "receipt";
    public static final String DELETE = "delete";
    /**
     * A member user left an MLS group: attributes {@code groupId}, {@code userId} and {@code leaves} (the leaf
     * indexes that are now pending removals, e.g. {@code "0,3"}); sent to the remaining member devices.
     */
    public static final String GROUP_MEMBER_LEFT = "group-member-left";

    /**
     * A call's signalling ({@link CallFrame} reads it): queued for the events that change a call, ephemeral for
     * {@code ice} (pushed only while the device is online).
     */
    public static final String CALL = "call";

    private static final Set<String> EPHEMERAL = Set.of(LOW_PREKEYS);

    public DeviceEvent {
        attributes = Map.copyOf(attributes);
        entries = entries.stream().map(Map::copyOf).toList();
    }

    /** An event without entries. */
    public DeviceEvent(String type, @Nullable UUID messageId, Map<String, String> attributes) {
        this(type, messageId, attributes, List.of());
    }

    /** Whether the server never queues this kind of event, so it needs no ack. */
    public boolean ephemeral() {
        return EPHEMERAL.contains(type) || (CALL.equals(type) && CallFrame.ICE.equals(attributes.get("event")));
    }

    /**
     * This event read as a {@link CallFrame}.
     *
     * @throws MalformedFrameException when it is not a well-formed {@code call} frame
     */
    public CallFrame call() {
        return CallFrame.of(this);
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
