package io.socialink.calls.decide;

import io.socialink.schemas.avro.CallEvent;
import io.socialink.schemas.avro.CallMetadata;
import io.socialink.schemas.avro.CallReply;
import io.socialink.schemas.avro.CallState;
import io.socialink.schemas.avro.Delivery;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What one command or deadline does to a call: its state afterwards (unchanged when {@link #stateChanged} is false;
 * null when the call is forgotten), the events for {@code call.events}, the per-device copies for
 * {@code device.deliveries}, the analytics record, the verdict for the waiting gateway node (none for a deadline),
 * and the changes to {@code call.lines} (userId → callId, or empty for a tombstone).
 */
public record Decision(
        @Nullable CallState state,
        boolean stateChanged,
        List<CallEvent> events,
        List<Delivery> deliveries,
        @Nullable CallMetadata metadata,
        @Nullable CallReply reply,
        Map<String, Optional<String>> lines) {

    public Decision {
        events = List.copyOf(events);
        deliveries = List.copyOf(deliveries);
        lines = Map.copyOf(lines);
    }

    /** A refusal: the state stays as it was, only the reply goes out. */
    static Decision refused(@Nullable CallState state, CallReply reply) {
        return new Decision(state, false, List.of(), List.of(), null, reply, Map.of());
    }

    public boolean accepted() {
        return reply == null || (reply.getStatus() >= 200 && reply.getStatus() < 300);
    }
}
