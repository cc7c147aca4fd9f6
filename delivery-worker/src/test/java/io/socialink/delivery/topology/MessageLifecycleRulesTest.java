package io.socialink.delivery.topology;

import static io.socialink.delivery.topology.DeliveryDriver.START;
import static io.socialink.delivery.topology.DeliveryDriver.delivery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.socialink.delivery.config.DeliverySettings;
import io.socialink.delivery.metrics.DeliveryMetrics;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.DeviceEvent;
import io.socialink.schemas.avro.MessageEventType;
import io.socialink.schemas.avro.MessageMetadata;
import io.socialink.schemas.avro.Push;
import io.socialink.schemas.avro.PushKind;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's message-lifecycle rules: queue limits, redelivery limit, delete-for-everyone, device events. */
class MessageLifecycleRulesTest {

    private static final String BOB = "bob.1";
    private static final String ALICE = "alice.1";

    @TempDir
    Path stateDir;

    private DeliveryDriver driver;
    private final CountingMetrics metrics = new CountingMetrics();

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private DeliveryDriver start(DeliverySettings settings) {
        driver = new DeliveryDriver(settings, stateDir, metrics);
        return driver;
    }

    private static Delivery deleteEvent(String eventId, String target, String recipient) {
        Delivery delivery = delivery(eventId, ALICE, recipient);
        delivery.setContent(ByteBuffer.allocate(0));
        delivery.setEvent(DeviceEvent.newBuilder()
                .setType("delete")
                .setAttributes(Map.of("targetMessageId", target))
                .build());
        return delivery;
    }

    private static Delivery receiptEvent(String eventId, String recipient) {
        Delivery delivery = delivery(eventId, "bob.1", recipient);
        delivery.setContent(ByteBuffer.allocate(0));
        delivery.setEvent(DeviceEvent.newBuilder()
                .setType("receipt")
                .setAttributes(Map.of("targetMessageId", "m1", "status", "delivered"))
                .build());
        return delivery;
    }

    @Test
    void shouldReportAQueueFullDropWithItsReasonAndCountIt() {
        // given
        DeliveryDriver worker = start(DeliveryDriver.settings().withMaxQueueLength(2));
        worker.deliver(delivery("m1", ALICE, BOB));
        worker.deliver(delivery("m2", ALICE, BOB));

        // when
        worker.deliver(delivery("m3", ALICE, BOB));

        // then
        assertThat(worker.metadata())
                .extracting(MessageMetadata::getEvent, MessageMetadata::getMessageId, MessageMetadata::getReason)
                .containsExactly(tuple(MessageEventType.DROPPED, "m1", "queue-full"));
        assertThat(metrics.dropped).hasValue(1);
    }

    @Test
    void shouldDropAnEntryPushedMaxPushesTimesWithoutAnAck() {
        // given
        DeliveryDriver worker = start(DeliveryDriver.settings().withMaxPushes(3));
        worker.deliver(delivery("poison", ALICE, BOB));
        worker.deliver(delivery("fine", ALICE, BOB));
        for (int i = 1; i <= 3; i++) {
            worker.connect(BOB, 0, "c" + i);
        }
        worker.ack(BOB, "c3", "fine");
        worker.pushes();
        worker.metadata();

        // when
        worker.connect(BOB, 0, "c4");

        // then
        assertThat(worker.metadata())
                .extracting(MessageMetadata::getEvent, MessageMetadata::getMessageId, MessageMetadata::getReason)
                .containsExactly(tuple(MessageEventType.DROPPED, "poison", "redelivery-limit"));
        assertThat(worker.pushes())
                .extracting(Push::getKind, MessageLifecycleRulesTest::messageId)
                .containsExactly(tuple(PushKind.CLOSE, null), tuple(PushKind.QUEUE_EMPTY, null));
        assertThat(metrics.redeliveryLimited).hasValue(1);
        assertThat(metrics.dropped).hasValue(1);
    }

    @Test
    void shouldPushAnEntryAgainBelowTheRedeliveryLimit() {
        // given
        DeliveryDriver worker = start(DeliveryDriver.settings().withMaxPushes(3));
        worker.deliver(delivery("m1", ALICE, BOB));
        worker.connect(BOB, 0, "c1");
        worker.connect(BOB, 0, "c2");
        worker.pushes();

        // when
        worker.connect(BOB, 0, "c3");

        // then
        assertThat(worker.pushes())
                .extracting(Push::getKind, MessageLifecycleRulesTest::messageId)
                .containsExactly(tuple(PushKind.CLOSE, null), tuple(PushKind.ENVELOPE, "m1"));
        assertThat(worker.metadata()).isEmpty();
    }

    @Test
    void shouldRemoveAnUndeliveredCopyOnADeleteEventThenQueueTheEvent() {
        // given
        DeliveryDriver worker = start(DeliveryDriver.settings());
        worker.deliver(delivery("m1", ALICE, BOB));
        worker.deliver(delivery("m2", ALICE, BOB));

        // when
        worker.deliver(deleteEvent("d1", "m1", BOB));
        worker.connect(BOB, 0, "c1");

        // then
        assertThat(worker.metadata())
                .extracting(
                        MessageMetadata::getEvent,
                        MessageMetadata::getMessageId,
                        MessageMetadata::getReason,
                        MessageMetadata::getRecipientUserId)
                .containsExactly(tuple(MessageEventType.DELETED, "m1", "for-everyone", "bob"));
        assertThat(worker.pushes())
                .extracting(MessageLifecycleRulesTest::messageId)
                .containsExactly("m2", "d1");
        assertThat(metrics.deleted).hasValue(1);
    }

    private static Delivery callEvent(String eventId, String event, @Nullable String target, String recipient) {
        Delivery delivery = delivery(eventId, ALICE, recipient);
        Map<String, String> attributes = new java.util.HashMap<>(Map.of("event", event, "callId", "c-1"));
        if (target != null) {
            attributes.put("targetMessageId", target);
        }
        delivery.setEvent(DeviceEvent.newBuilder()
                .setType("call")
                .setAttributes(attributes)
                .build());
        return delivery;
    }

    @Test
    void shouldRemoveAnUndeliveredRingWhenTheCallEventThatEndsItArrivesThenQueueThatEvent() {
        // given a ring (a call event with the caller's offer) waiting for an offline device
        DeliveryDriver worker = start(DeliveryDriver.settings());
        worker.deliver(callEvent("ring-1", "ring", null, BOB));
        worker.deliver(delivery("m1", ALICE, BOB));

        // when the call ends before the device comes online
        worker.deliver(callEvent("missed-1", "missed", "ring-1", BOB));
        worker.connect(BOB, 0, "c1");

        // then the device never gets the ring, only the message and the ending event; a call event is no message
        assertThat(worker.pushes())
                .extracting(MessageLifecycleRulesTest::messageId)
                .containsExactly("m1", "missed-1");
        assertThat(worker.metadata()).isEmpty();
    }

    @Test
    void shouldKeepAQueuedCopyThatAReceiptNames() {
        // given
        DeliveryDriver worker = start(DeliveryDriver.settings());
        worker.deliver(delivery("m1", ALICE, BOB));

        // when a receipt event naming m1 reaches the same device
        worker.deliver(receiptEvent("r1", BOB));
        worker.connect(BOB, 0, "c1");

        // then
        assertThat(worker.pushes())
                .extracting(MessageLifecycleRulesTest::messageId)
                .containsExactly("m1", "r1");
    }

    @Test
    void shouldFillTheWindowAcrossEntriesRemovedBeforeTheirPush() {
        // given: m2 and m3 leave the queue unpushed, so the sequence numbers the window reads next have a gap
        DeliveryDriver worker = start(DeliveryDriver.settings().withInFlight(2));
        for (String id : List.of("m1", "m2", "m3", "m4", "m5")) {
            worker.deliver(delivery(id, ALICE, BOB));
        }
        worker.deliver(deleteEvent("d2", "m2", BOB));
        worker.deliver(deleteEvent("d3", "m3", BOB));

        // when
        worker.connect(BOB, 0, "c1");
        List<String> first = worker.pushes().stream()
                .map(MessageLifecycleRulesTest::messageId)
                .toList();
        worker.ack(BOB, "c1", "m1", "m4");
        List<String> second = worker.pushes().stream()
                .map(MessageLifecycleRulesTest::messageId)
                .toList();
        worker.ack(BOB, "c1", "m5", "d2");
        List<String> third = worker.pushes().stream()
                .map(MessageLifecycleRulesTest::messageId)
                .toList();

        // then
        assertThat(first).containsExactly("m1", "m4");
        assertThat(second).containsExactly("m5", "d2");
        assertThat(third).containsExactly("d3");
    }

    @Test
    void shouldKeepTheQueuedCopyOnADeleteForMeEvent() {
        // given
        DeliveryDriver worker = start(DeliveryDriver.settings());
        worker.deliver(delivery("m1", ALICE, BOB));
        Delivery forMe = deleteEvent("d1", "m1", BOB);
        forMe.getEvent().setAttributes(Map.of("targetMessageId", "m1", "scope", "me"));

        // when
        worker.deliver(forMe);
        worker.connect(BOB, 0, "c1");

        // then
        assertThat(worker.metadata()).isEmpty();
        assertThat(worker.pushes())
                .extracting(MessageLifecycleRulesTest::messageId)
                .containsExactly("m1", "d1");
    }

    @Test
    void shouldNotQueueADeletedMessageAgainWhenItsSendIsRetried() {
        // given
        DeliveryDriver worker = start(DeliveryDriver.settings());
        worker.deliver(delivery("m1", ALICE, BOB));
        worker.deliver(deleteEvent("d1", "m1", BOB));

        // when
        worker.deliver(delivery("m1", ALICE, BOB));
        worker.connect(BOB, 0, "c1");

        // then
        assertThat(worker.pushes())
                .extracting(MessageLifecycleRulesTest::messageId)
                .containsExactly("d1");
    }

    @Test
    void shouldQueueADeleteEventForADeviceThatAlreadyHasTheMessage() {
        // given
        DeliveryDriver worker = start(DeliveryDriver.settings());
        worker.deliver(delivery("m1", ALICE, BOB));
        worker.connect(BOB, 0, "c1");
        worker.ack(BOB, "c1", "m1");
        worker.pushes();
        worker.metadata();

        // when
        worker.deliver(deleteEvent("d1", "m1", BOB));

        // then
        assertThat(worker.pushes())
                .extracting(MessageLifecycleRulesTest::messageId)
                .containsExactly("d1");
        assertThat(worker.metadata()).isEmpty();
    }

    @Test
    void shouldEmitNoMetadataForDeviceEvents() {
        // given
        DeliveryDriver worker = start(DeliveryDriver.settings().withMaxQueueLength(1));
        worker.deliver(receiptEvent("r1", ALICE));
        worker.deliver(receiptEvent("r2", ALICE));
        worker.connect(ALICE, 0, "c1");

        // when
        worker.ack(ALICE, "c1", "r2");

        // then
        assertThat(worker.metadata()).isEmpty();
        assertThat(worker.pushes())
                .extracting(MessageLifecycleRulesTest::messageId)
                .containsExactly("r2", null);
    }

    @Test
    void shouldQueueAndPushGroupCopiesWithoutPerRecipientMetadata() {
        // given
        DeliveryDriver worker = start(DeliveryDriver.settings());
        Delivery groupCopy = delivery("g1", ALICE, BOB);
        groupCopy.setGroupId("Z3JvdXA");
        groupCopy.setCiphertextType(10);
        worker.deliver(groupCopy);
        worker.deliver(delivery("m1", ALICE, BOB));
        worker.connect(BOB, 0, "c1");

        // when
        worker.ack(BOB, "c1", "g1", "m1");

        // then
        List<Push> pushes = worker.pushes();
        assertThat(pushes).extracting(MessageLifecycleRulesTest::messageId).containsExactly("g1", "m1", null);
        assertThat(pushes.get(0).getEnvelope().getGroupId()).isEqualTo("Z3JvdXA");
        assertThat(worker.metadata())
                .extracting(MessageMetadata::getEvent, MessageMetadata::getMessageId)
                .containsExactly(tuple(MessageEventType.DELIVERED, "m1"));
    }

    @Test
    void shouldExpireAnUndeliveredDisappearingMessageWhileTheDeviceIsOffline() {
        // given
        DeliveryDriver worker = start(DeliveryDriver.settings());
        worker.deliver(delivery("m1", ALICE, BOB, START, START.plus(Duration.ofSeconds(30))));

        // when
        worker.advance(Duration.ofSeconds(45));

        // then
        assertThat(worker.metadata())
                .extracting(MessageMetadata::getEvent, MessageMetadata::getMessageId)
                .containsExactly(tuple(MessageEventType.EXPIRED, "m1"));
        worker.connect(BOB, 0, "c1");
        assertThat(worker.pushes()).extracting(Push::getKind).containsExactly(PushKind.QUEUE_EMPTY);
    }

    private static String messageId(Push push) {
        return push.getEnvelope() == null
                ? null
                : Objects.toString(push.getEnvelope().getMessageId());
    }

    private static final class CountingMetrics implements DeliveryMetrics {
        final AtomicInteger dropped = new AtomicInteger();
        final AtomicInteger redeliveryLimited = new AtomicInteger();
        final AtomicInteger deleted = new AtomicInteger();

        @Override
        public void dropped() {
            dropped.incrementAndGet();
        }

        @Override
        public void redeliveryLimited() {
            redeliveryLimited.incrementAndGet();
        }

        @Override
        public void deleted() {
            deleted.incrementAndGet();
        }
    }
}
