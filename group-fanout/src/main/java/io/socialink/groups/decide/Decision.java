package io.socialink.groups.decide;

import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.GroupEvent;
import io.socialink.schemas.avro.GroupMetadata;
import io.socialink.schemas.avro.GroupReply;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything one command produces, written together in one Kafka transaction: the events that change (or, for a
 * rejection, leave unchanged) the group's state, the reply to the waiting gateway node, the per-device copies and
 * the analytics record. A rejection has a {@code CommandRejected} event and no deliveries; a retry of an applied
 * command (the Commit that won, a repeated leave) has a reply only.
 *
 * @param metadata null when nothing happened (an answered retry)
 */
public record Decision(
        List<GroupEvent> events,
        GroupReply reply,
        List<Delivery> deliveries,
        @Nullable GroupMetadata metadata) {

    public Decision {
        events = List.copyOf(events);
        deliveries = List.copyOf(deliveries);
    }

    public boolean accepted() {
        return reply.getStatus() < 300;
    }
}
