package io.socialink.gateway.status;

import io.socialink.schemas.avro.MessageMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The events of one poll regrouped into one statement per kind of change ({@link StatusProjector} renders them):
 * rows created (SENT), times filled in per column (DELIVERED, READ, DELETED for everyone, DROPPED), messages hidden
 * (DELETED for me), messages removed (EXPIRED). A poll of thousands of events thus costs a handful of statements.
 *
 * <p>The result is the one the events give applied one by one in log order, so it does not depend on where polls
 * begin and end (a rebuild reads other batches than the live consumer did): the kinds are applied in the order
 * create, fill/hide, remove, and a segment ends where an event of a message would have to go before an earlier
 * event of the same message in that order (a SENT after a fill of its message, anything after its EXPIRED). Fills
 * of one copy and column keep the earliest time, as LEAST does; of several DROPPED the first reason stays, as
 * COALESCE keeps it.
 */
final class StatusBatch {

    /** The order in which a segment's kinds of change are applied. */
    private static final int CREATE = 0;

    private static final int FILL = 1;
    private static final int REMOVE = 2;

    /** One copy of a message: the key of {@code message_status}. */
    record Copy(String messageId, String recipientUserId, int recipientDeviceId) {
        static Copy of(MessageMetadata event) {
            return new Copy(event.getMessageId(), event.getRecipientUserId(), event.getRecipientDeviceId());
        }
    }

    /** A message hidden for one user: the key of {@code message_hidden}. */
    record Hidden(String userId, String messageId) {}

    /** A fill of one column of one copy: the earliest time, and for a drop the first reason. */
    record Fill(Instant at, @Nullable String reason) {}

    /** One segment's changes, each applied as one statement. */
    static final class Segment {
        final List<MessageMetadata> created = new ArrayList<>();
        final Map<String, Map<Copy, Fill>> filled = new LinkedHashMap<>();
        final Map<Hidden, Instant> hidden = new LinkedHashMap<>();
        final Set<String> removed = new LinkedHashSet<>();

        private final Map<String, Integer> stageOfMessage = new HashMap<>();

        boolean isEmpty() {
            return stageOfMessage.isEmpty();
        }

        /** Whether the event can join this segment without being applied before an earlier event of its message. */
        boolean accepts(MessageMetadata event, int stage) {
            Integer reached = stageOfMessage.get(event.getMessageId());
            return reached == null || (reached <= stage && reached != REMOVE);
        }

        void add(MessageMetadata event, int stage) {
            stageOfMessage.merge(event.getMessageId(), stage, Math::max);
            change(this, event);
        }

        void fill(String column, MessageMetadata event) {
            filled.computeIfAbsent(column, ignored -> new LinkedHashMap<>())
                    .merge(
                            Copy.of(event),
                            new Fill(event.getAt(), event.getReason()),
                            (first, later) -> new Fill(
                                    later.at().isBefore(first.at()) ? later.at() : first.at(),
                                    first.reason() != null ? first.reason() : later.reason()));
        }

        void hide(MessageMetadata event) {
            String user = event.getActorUserId() == null ? event.getRecipientUserId() : event.getActorUserId();
            hidden.merge(
                    new Hidden(user, event.getMessageId()),
                    event.getAt(),
                    (first, later) -> later.isBefore(first) ? later : first);
        }
    }

    private StatusBatch() {}

    /** The events cut into segments, in log order; events that change nothing are left out. */
    static List<Segment> segments(List<MessageMetadata> events) {
        List<Segment> segments = new ArrayList<>();
        Segment current = new Segment();
        for (MessageMetadata event : events) {
            int stage = stageOf(event);
            if (stage < 0) {
                continue;
            }
            if (!current.accepts(event, stage)) {
                segments.add(current);
                current = new Segment();
            }
            current.add(event, stage);
        }
        if (!current.isEmpty()) {
            segments.add(current);
        }
        return segments;
    }

    private static int stageOf(MessageMetadata event) {
        return switch (event.getEvent()) {
            case SENT -> CREATE;
            case DELIVERED, READ, DELETED, DROPPED -> FILL;
            case EXPIRED -> REMOVE;
            default -> -1;
        };
    }

    private static void change(Segment segment, MessageMetadata event) {
        switch (event.getEvent()) {
            case SENT -> segment.created.add(event);
            case DELIVERED -> segment.fill("delivered_at", event);
            case READ -> segment.fill("read_at", event);
            case DELETED -> {
                if (StatusProjector.FOR_ME.equals(event.getReason())) {
                    segment.hide(event);
                } else {
                    segment.fill("deleted_at", event);
                }
            }
            case DROPPED -> segment.fill("dropped_at", event);
            case EXPIRED -> segment.removed.add(event.getMessageId());
            default -> throw new IllegalArgumentException("no change for " + event.getEvent());
        }
    }
}
