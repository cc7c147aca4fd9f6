package io.socialink.gateway.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.schemas.avro.MessageEventType;
import io.socialink.schemas.avro.MessageMetadata;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusBatchTest {

    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

    private static MessageMetadata event(String messageId, MessageEventType type, int device, long second) {
        return event(messageId, type, device, second, null);
    }

    private static MessageMetadata event(
            String messageId, MessageEventType type, int device, long second, String reason) {
        return MessageMetadata.newBuilder()
                .setMessageId(messageId)
                .setEvent(type)
                .setSenderUserId("alice")
                .setSenderDeviceId(1)
                .setRecipientUserId("bob")
                .setRecipientDeviceId(device)
                .setCiphertextBytes(10)
                .setAt(T0.plusSeconds(second))
                .setReason(reason)
                .build();
    }

    @Test
    void shouldPutAPollOfOrdinaryEventsIntoOneSegmentOfOneStatementPerKind() {
        // given: two messages, each sent to two devices, delivered and read
        List<MessageMetadata> events = List.of(
                event("m1", MessageEventType.SENT, 1, 0),
                event("m1", MessageEventType.SENT, 2, 0),
                event("m2", MessageEventType.SENT, 1, 1),
                event("m1", MessageEventType.DELIVERED, 1, 2),
                event("m2", MessageEventType.DELIVERED, 1, 3),
                event("m1", MessageEventType.READ, 1, 4));

        // when
        List<StatusBatch.Segment> segments = StatusBatch.segments(events);

        // then
        assertThat(segments).hasSize(1);
        StatusBatch.Segment segment = segments.get(0);
        assertThat(segment.created).hasSize(3);
        assertThat(segment.filled).containsOnlyKeys("delivered_at", "read_at");
        assertThat(segment.filled.get("delivered_at")).hasSize(2);
        assertThat(segment.hidden).isEmpty();
        assertThat(segment.removed).isEmpty();
    }

    @Test
    void shouldKeepTheEarliestTimeAndTheFirstDropReasonOfOneCopy() {
        // given: a replayed DELIVERED with a later time, then an earlier one; two drops with different reasons
        List<MessageMetadata> events = List.of(
                event("m1", MessageEventType.DELIVERED, 1, 9),
                event("m1", MessageEventType.DELIVERED, 1, 5),
                event("m1", MessageEventType.DELIVERED, 1, 7),
                event("m1", MessageEventType.DROPPED, 2, 8, "queue-full"),
                event("m1", MessageEventType.DROPPED, 2, 6, "redelivery-limit"));

        // when
        StatusBatch.Segment segment = StatusBatch.segments(events).get(0);

        // then
        StatusBatch.Copy copy1 = new StatusBatch.Copy("m1", "bob", 1);
        StatusBatch.Copy copy2 = new StatusBatch.Copy("m1", "bob", 2);
        assertThat(segment.filled.get("delivered_at").get(copy1).at()).isEqualTo(T0.plusSeconds(5));
        assertThat(segment.filled.get("dropped_at").get(copy2))
                .isEqualTo(new StatusBatch.Fill(T0.plusSeconds(6), "queue-full"));
    }

    @Test
    void shouldStartANewSegmentWhereAnEventOfAMessageWouldBeAppliedBeforeAnEarlierOne() {
        // given: a fill before its SENT (the fill finds no row one by one, so it must stay first), and a SENT
        // after the message expired (one by one it creates the row again)
        List<MessageMetadata> events = List.of(
                event("m1", MessageEventType.DELIVERED, 1, 1),
                event("m2", MessageEventType.SENT, 1, 1),
                event("m1", MessageEventType.SENT, 1, 0),
                event("m2", MessageEventType.EXPIRED, 1, 2),
                event("m2", MessageEventType.SENT, 1, 3));

        // when
        List<StatusBatch.Segment> segments = StatusBatch.segments(events);

        // then
        assertThat(segments).hasSize(3);
        assertThat(segments.get(0).filled.get("delivered_at")).containsOnlyKeys(new StatusBatch.Copy("m1", "bob", 1));
        assertThat(segments.get(0).created)
                .extracting(MessageMetadata::getMessageId)
                .containsExactly("m2");
        assertThat(segments.get(1).created)
                .extracting(MessageMetadata::getMessageId)
                .containsExactly("m1");
        assertThat(segments.get(1).removed).containsExactly("m2");
        assertThat(segments.get(2).created)
                .extracting(MessageMetadata::getMessageId)
                .containsExactly("m2");
    }

    @Test
    void shouldHideForTheActorAndFillDeletedForEveryone() {
        // given
        MessageMetadata forMe = MessageMetadata.newBuilder(event("m1", MessageEventType.DELETED, 1, 4, "for-me"))
                .setActorUserId("carol")
                .build();
        List<MessageMetadata> events = List.of(
                forMe,
                event("m1", MessageEventType.DELETED, 1, 5, "for-me"),
                event("m1", MessageEventType.DELETED, 2, 6, "for-everyone"));

        // when
        StatusBatch.Segment segment = StatusBatch.segments(events).get(0);

        // then
        assertThat(segment.hidden)
                .containsEntry(new StatusBatch.Hidden("carol", "m1"), T0.plusSeconds(4))
                .containsEntry(new StatusBatch.Hidden("bob", "m1"), T0.plusSeconds(5));
        assertThat(segment.filled.get("deleted_at")).containsOnlyKeys(new StatusBatch.Copy("m1", "bob", 2));
    }

    @Test
    void shouldLeaveOutEventsOfAKindItDoesNotKnow() {
        assertThat(StatusBatch.segments(List.of(event("m1", MessageEventType.UNKNOWN, 1, 0))))
                .isEmpty();
        assertThat(StatusBatch.segments(
                        List.of(event("m1", MessageEventType.UNKNOWN, 1, 0), event("m1", MessageEventType.SENT, 1, 0))))
                .singleElement()
                .satisfies(segment -> assertThat(segment.created).hasSize(1));
    }
}
