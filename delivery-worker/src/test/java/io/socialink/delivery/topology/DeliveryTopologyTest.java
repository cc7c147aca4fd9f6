package io.socialink.delivery.topology;

import static io.socialink.delivery.topology.DeliveryDriver.START;
import static io.socialink.delivery.topology.DeliveryDriver.delivery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.socialink.delivery.config.DeliverySettings;
import io.socialink.delivery.queue.Deadline;
import io.socialink.schemas.avro.CloseReason;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.DeviceEvent;
import io.socialink.schemas.avro.MessageEventType;
import io.socialink.schemas.avro.MessageMetadata;
import io.socialink.schemas.avro.Push;
import io.socialink.schemas.avro.PushKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveryTopologyTest {

    private static final String BOB = "bob.1";
    private static final String ALICE = "alice.1";
    private static final String CAROL = "carol.2";

    @TempDir
    Path stateDir;

    private DeliveryDriver driver;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private DeliveryDriver start(DeliverySettings settings) {
        driver = new DeliveryDriver(settings, stateDir);
        return driver;
    }

    private DeliveryDriver start() {
        return start(DeliveryDriver.settings());
    }

    @Test
    void shouldPushNothingWhileTheDeviceIsOffline() {
        // given
        DeliveryDriver worker = start();

        // when
        worker.deliver(delivery("m1", ALICE, BOB));
        worker.deliver(delivery("m2", ALICE, BOB));

        // then
        assertThat(worker.pushes()).isEmpty();
        assertThat(worker.metadata()).isEmpty();
    }

    @Test
    void shouldDrainTheQueueInOrderThenSendQueueEmptyOnceAcked() {
        // given
        DeliveryDriver worker = start();
        worker.deliver(delivery("m1", ALICE, BOB));
        worker.deliver(delivery("m2", CAROL, BOB));
        worker.deliver(delivery("m3", ALICE, BOB));

        // when
        worker.connect(BOB, 1, "c1");
        List<Push> drained = worker.pushes();
        worker.ack(BOB, "c1", "m1", "m2");
        List<Push> afterFirstAcks = worker.pushes();
        worker.ack(BOB, "c1", "m3");

        // then
        assertThat(drained).extracting(DeliveryTopologyTest::messageId).containsExactly("m1", "m2", "m3");
        assertThat(drained).allSatisfy(push -> {
            assertThat(push.getKind()).isEqualTo(PushKind.ENVELOPE);
            assertThat(push.getConnectionId()).isEqualTo("c1");
            assertThat(push.getGatewayNode()).isEqualTo(1);
        });
        assertThat(drained.get(0).getEnvelope().getContent().array())
                .isEqualTo("ciphertext of m1".getBytes(StandardCharsets.UTF_8));
        assertThat(afterFirstAcks).isEmpty();
        assertThat(worker.pushes())
                .extracting(Push::getKind, Push::getConnectionId)
                .containsExactly(tuple(PushKind.QUEUE_EMPTY, "c1"));
    }

    @Test
    void shouldSendQueueEmptyAtOnceWhenConnectingWithAnEmptyQueue() {
        // given
        DeliveryDriver worker = start();

        // when
        worker.connect(BOB, 2, "c1");

        // then
        assertThat(worker.pushes())
                .extracting(Push::getKind, Push::getConnectionId, Push::getGatewayNode)
                .containsExactly(tuple(PushKind.QUEUE_EMPTY, "c1", 2));
    }

    @Test
    void shouldPushNewDeliveriesAtOnceWhileConnected() {
        // given
        DeliveryDriver worker = start();
        worker.connect(BOB, 0, "c1");
        worker.pushes();

        // when
        worker.deliver(delivery("m1", ALICE, BOB));

        // then
        assertThat(worker.pushes())
                .extracting(Push::getKind, DeliveryTopologyTest::messageId)
                .containsExactly(tuple(PushKind.ENVELOPE, "m1"));
    }

    @Test
    void shouldPushAtMostInFlightEntriesUntilAcked() {
        // given
        DeliveryDriver worker = start(DeliveryDriver.settings().withInFlight(2));
        for (int i = 1; i <= 5; i++) {
            worker.deliver(delivery("m" + i, ALICE, BOB));
        }

        // when
        worker.connect(BOB, 0, "c1");
        List<Push> window = worker.pushes();
        worker.deliver(delivery("m6", ALICE, BOB));
        List<Push> whileFull = worker.pushes();
        worker.ack(BOB, "c1", "m1");

        // then
        assertThat(window).extracting(DeliveryTopologyTest::messageId).containsExactly("m1", "m2");
        assertThat(whileFull).isEmpty();
        assertThat(worker.pushes()).extracting(DeliveryTopologyTest::messageId).containsExactly("m3");
    }

    @Test
    void shouldRemoveAckedEntriesEmitDeliveredMetadataAndTopUpTheWindow() {
        // given
        DeliveryDriver worker = start(DeliveryDriver.settings().withInFlight(1));
        worker.deliver(delivery("m1", ALICE, BOB));
        worker.deliver(delivery("m2", ALICE, BOB));
        worker.connect(BOB, 0, "c1");
        worker.pushes();

        // when
        worker.ack(BOB, "c1", "m1", "unknown-id");

        // then
        assertThat(worker.pushes()).extracting(DeliveryTopologyTest::messageId).containsExactly("m2");
        List<MessageMetadata> metadata = worker.metadata();
        assertThat(metadata).hasSize(1);
        MessageMetadata delivered = metadata.get(0);
        assertThat(delivered.getEvent()).isEqualTo(MessageEventType.DELIVERED);
        assertThat(delivered.getMessageId()).isEqualTo("m1");
        assertThat(delivered.getSenderUserId()).isEqualTo("alice");
        assertThat(delivered.getRecipientUserId()).isEqualTo("bob");
        assertThat(delivered.getRecipientDeviceId()).isEqualTo(1);
        assertThat(delivered.getCiphertextBytes()).isEqualTo("ciphertext of m1".length());

        // and the acked entry is gone: a new connection gets only m2
        worker.connect(BOB, 0, "c2");
        assertThat(worker.pushes())
                .extracting(Push::getKind, DeliveryTopologyTest::messageId)
                .containsExactly(tuple(PushKind.CLOSE, null), tuple(PushKind.ENVELOPE, "m2"));
    }

    @Test
    void shouldIgnoreADuplicateOfAQueuedMessageId() {
        // given
        DeliveryDriver worker = start();
        worker.deliver(delivery("m1", ALICE, BOB));

        // when
        worker.deliver(delivery("m1", ALICE, BOB));
        worker.connect(BOB, 0, "c1");

        // then
        assertThat(worker.pushes())
                .extracting(Push::getKind, DeliveryTopologyTest::messageId)
                .containsExactly(tuple(PushKind.ENVELOPE, "m1"));
    }

    @Test
    void shouldIgnoreADuplicateOfAnAckedMessageIdWithinTheRetentionAndForgetItAfter() {
        // given
        DeliveryDriver worker = start();
        worker.connect(BOB, 0, "c1");
        worker.deliver(delivery("m1", ALICE, BOB));
        worker.ack(BOB, "c1", "m1");
        worker.pushes();

        // when
        worker.advance(Duration.ofHours(23));
        worker.connect(BOB, 0, "c2");
        worker.deliver(delivery("m1", ALICE, BOB, worker.now(), null));
        List<Push> withinRetention = worker.pushes();
        worker.advance(Duration.ofHours(2));
        worker.connect(BOB, 0, "c3");
        worker.deliver(delivery("m1", ALICE, BOB, worker.now(), null));

        // then
        assertThat(withinRetention).extracting(Push::getKind).doesNotContain(PushKind.ENVELOPE);
        assertThat(worker.pushes())
                .filteredOn(push -> push.getKind() == PushKind.ENVELOPE)
                .extracting(DeliveryTopologyTest::messageId)
                .containsExactly("m1");
    }

    @Test
    void shouldKeepTheOrderOfEachSenderAcrossReconnects() {
        // given
        DeliveryDriver worker = start(DeliveryDriver.settings().withInFlight(2));
        worker.deliver(delivery("a1", ALICE, BOB));
        worker.deliver(delivery("c1", CAROL, BOB));
        worker.deliver(delivery("a2", ALICE, BOB));
        worker.connect(BOB, 0, "s1");
        worker.ack(BOB, "s1", "a1");
        worker.disconnect(BOB, 0, "s1");
        worker.deliver(delivery("c2", CAROL, BOB));
        worker.deliver(delivery("a3", ALICE, BOB));
        worker.pushes();

        // when
        worker.connect(BOB, 1, "s2");
        List<Push> first = worker.pushes();
        worker.ack(BOB, "s2", "c1", "a2");
        List<Push> second = worker.pushes();

        // then
        assertThat(first).extracting(DeliveryTopologyTest::messageId).containsExactly("c1", "a2");
        assertThat(second).extracting(DeliveryTopologyTest::messageId).containsExactly("c2", "a3");
    }

    @Test
    void shouldPushUnackedEntriesAgainToANewConnection() {
        // given
        DeliveryDriver worker = start();
        worker.deliver(delivery("m1", ALICE, BOB));
        worker.deliver(delivery("m2", ALICE, BOB));
        worker.connect(BOB, 0, "c1");
        worker.pushes();

        // when
        worker.connect(BOB, 1, "c2");

        // then
        List<Push> pushes = worker.pushes();
        assertThat(pushes)
                .filteredOn(push -> push.getKind() == PushKind.ENVELOPE)
                .extracting(Push::getConnectionId, DeliveryTopologyTest::messageId, Push::getGatewayNode)
                .containsExactly(tuple("c2", "m1", 1), tuple("c2", "m2", 1));
    }

    @Test
    void shouldCloseTheOlderConnectionOnItsOwnNodeWhenTheDeviceConnectsAgain() {
        // given
        DeliveryDriver worker = start();
        worker.connect(BOB, 3, "old");
        worker.pushes();
        worker.pushPartitions();

        // when
        worker.connect(BOB, 1, "new");

        // then
        var records = worker.pushRecords();
        assertThat(records)
                .extracting(
                        record -> record.key(),
                        record -> record.value().getKind(),
                        record -> record.value().getConnectionId(),
                        record -> record.value().getGatewayNode())
                .containsExactly(tuple(BOB, PushKind.CLOSE, "old", 3), tuple(BOB, PushKind.QUEUE_EMPTY, "new", 1));
        assertThat(records.get(0).value().getCloseReason()).isEqualTo(CloseReason.SUPERSEDED);
        assertThat(worker.pushPartitions()).containsExactly(3, 1);
    }

    @Test
    void shouldIgnoreADisconnectOfAReplacedConnection() {
        // given
        DeliveryDriver worker = start();
        worker.connect(BOB, 0, "old");
        worker.connect(BOB, 1, "new");
        worker.pushes();

        // when
        worker.disconnect(BOB, 0, "old");
        worker.deliver(delivery("m1", ALICE, BOB));

        // then
        assertThat(worker.pushes())
                .extracting(Push::getConnectionId, DeliveryTopologyTest::messageId)
                .containsExactly(tuple("new", "m1"));
    }

    @Test
    void shouldStopPushingAfterADisconnect() {
        // given
        DeliveryDriver worker = start();
        worker.connect(BOB, 0, "c1");
        worker.pushes();

        // when
        worker.disconnect(BOB, 0, "c1");
        worker.deliver(delivery("m1", ALICE, BOB));

        // then
        assertThat(worker.pushes()).isEmpty();
    }

    @Test
    void shouldExpireTheRoutesOfAGatewayIncarnationSilentForThreeIntervals() {
        // given bob on node 0 and alice on node 1
        DeliveryDriver worker = start();
        worker.connect(BOB, 0, "bob-socket");
        worker.connect(ALICE, 1, "alice-socket");
        worker.pushes();

        // when only node 1 stays alive for four intervals
        for (int i = 0; i < 4; i++) {
            worker.advance(Duration.ofSeconds(30));
            worker.nodeAlive(1);
        }
        worker.deliver(delivery("to-bob", CAROL, BOB));
        worker.deliver(delivery("to-alice", CAROL, ALICE));

        // then bob's route is gone, alice's lives without a record of her own socket
        assertThat(worker.pushes())
                .extracting(Push::getConnectionId, DeliveryTopologyTest::messageId)
                .containsExactly(tuple("alice-socket", "to-alice"));
    }

    @Test
    void shouldNotKeepTheRoutesOfADeadIncarnationAliveByItsRestartUnderTheSameNodeId() {
        // given bob connected to node 0, which then died and came back as a new process
        DeliveryDriver worker = start();
        worker.connect(BOB, 0, "bob-socket", "node-0-first");
        worker.connect(ALICE, 0, "alice-socket", "node-0-second");
        worker.pushes();

        // when only the new incarnation is heard of for four intervals
        for (int i = 0; i < 4; i++) {
            worker.advance(Duration.ofSeconds(30));
            worker.nodeAlive(0, "node-0-second");
        }
        worker.deliver(delivery("to-bob", CAROL, BOB));
        worker.deliver(delivery("to-alice", CAROL, ALICE));

        // then
        assertThat(worker.pushes())
                .extracting(Push::getConnectionId, DeliveryTopologyTest::messageId)
                .containsExactly(tuple("alice-socket", "to-alice"));
    }

    @Test
    void shouldKeepRoutesWhileTheWorkerLagsBehindTheNodeHeartbeats() {
        // given bob's route, and a worker that reads its input two minutes late (its stream time stays behind)
        DeliveryDriver worker = start();
        worker.connect(BOB, 0, "bob-socket");
        worker.pushes();
        worker.advance(Duration.ofSeconds(120));

        // when a delivery produced ten seconds after the connect is read now
        worker.deliver(delivery("late", ALICE, BOB), START.plusSeconds(10));

        // then the route still holds: nothing says node 0 went silent
        assertThat(worker.pushes())
                .extracting(Push::getConnectionId, DeliveryTopologyTest::messageId)
                .containsExactly(tuple("bob-socket", "late"));
    }

    @Test
    void shouldReadNodeAliveRecordsWithoutTakingThemForADevice() {
        // given
        DeliveryDriver worker = start();
        worker.connect(BOB, 0, "bob-socket");
        worker.pushes();

        // when
        worker.nodeAlive(0);
        worker.nodeAlive(3);

        // then no push, no metadata, and bob's route is as it was
        assertThat(worker.pushes()).isEmpty();
        assertThat(worker.metadata()).isEmpty();
        worker.deliver(delivery("m1", ALICE, BOB));
        assertThat(worker.pushes())
                .extracting(Push::getConnectionId, DeliveryTopologyTest::messageId)
                .containsExactly(tuple("bob-socket", "m1"));
    }

    @Test
    void shouldExpireEntriesAtExpiresAtWithExpiredMetadata() {
        // given
        DeliveryDriver worker = start();
        worker.deliver(delivery("short", ALICE, BOB, START, START.plus(Duration.ofMinutes(1))));
        worker.deliver(delivery("long", ALICE, BOB, START, START.plus(Duration.ofHours(1))));

        // when
        worker.advance(Duration.ofSeconds(70));
        worker.connect(BOB, 0, "c1");

        // then
        assertThat(worker.metadata())
                .extracting(MessageMetadata::getEvent, MessageMetadata::getMessageId)
                .containsExactly(tuple(MessageEventType.EXPIRED, "short"));
        assertThat(worker.pushes()).extracting(DeliveryTopologyTest::messageId).containsExactly("long");
    }

    @Test
    void shouldExpireEntriesAfterTheQueueTtl() {
        // given
        DeliveryDriver worker = start();
        worker.deliver(delivery("old", ALICE, BOB, START.minus(Duration.ofDays(29)), null));
        worker.deliver(delivery("new", ALICE, BOB, START, null));

        // when
        worker.advance(Duration.ofDays(1).plusMinutes(1));
        worker.connect(BOB, 0, "c1");

        // then
        assertThat(worker.metadata())
                .extracting(MessageMetadata::getEvent, MessageMetadata::getMessageId)
                .containsExactly(tuple(MessageEventType.EXPIRED, "old"));
        assertThat(worker.pushes()).extracting(DeliveryTopologyTest::messageId).containsExactly("new");
    }

    @Test
    void shouldIndexAQueueOnceAndStoreNoPushCountForEntriesPushedOnce() {
        // given
        DeliveryDriver worker = start();
        worker.connect(BOB, 0, "c1");

        // when three messages are pushed once and acknowledged
        for (String messageId : List.of("m1", "m2", "m3")) {
            worker.deliver(delivery(messageId, ALICE, BOB));
            worker.ack(BOB, "c1", messageId);
        }

        // then the queue is in the deadline index once, at the queue TTL of its first entry, and nothing else is
        assertThat(worker.deadlines())
                .containsExactly(Deadline.queue(START.plus(Duration.ofDays(30)).toEpochMilli(), BOB));
        assertThat(worker.storedPushCounts()).isZero();
    }

    @Test
    void shouldExpireTheOldestEntryOfAnOfflineQueueAtItsTtlEvenWhenItArrivedLast() {
        // given an entry sent 29 days ago that arrives after a new one, bob offline throughout
        DeliveryDriver worker = start();
        worker.deliver(delivery("new", ALICE, BOB, START, null));
        worker.deliver(delivery("old", ALICE, BOB, START.minus(Duration.ofDays(29)), null));

        // when a day and a sweep pass
        worker.advance(Duration.ofDays(1).plusMinutes(1));

        // then the sweep alone expired it, and the queue is indexed again at the TTL of what is left
        assertThat(worker.metadata())
                .extracting(MessageMetadata::getEvent, MessageMetadata::getMessageId)
                .containsExactly(tuple(MessageEventType.EXPIRED, "old"));
        assertThat(worker.queueHead(BOB, 10)).extracting(Delivery::getMessageId).containsExactly("new");
        assertThat(worker.deadlines())
                .containsExactly(Deadline.queue(START.plus(Duration.ofDays(30)).toEpochMilli(), BOB));
    }

    @Test
    void shouldTakeAnEmptiedQueueOutOfTheDeadlineIndexWhenItsDeadlineComes() {
        // given
        DeliveryDriver worker = start();
        worker.connect(BOB, 0, "c1");
        worker.deliver(delivery("m1", ALICE, BOB));
        worker.ack(BOB, "c1", "m1");

        // when
        worker.advance(Duration.ofDays(30).plusMinutes(1));

        // then
        assertThat(worker.deadlines()).isEmpty();
        assertThat(worker.metadata()).extracting(MessageMetadata::getEvent).containsExactly(MessageEventType.DELIVERED);
    }

    @Test
    void shouldSendQueueEmptyWhenExpiryEmptiesTheQueue() {
        // given
        DeliveryDriver worker = start();
        worker.deliver(delivery("m1", ALICE, BOB, START, START.plus(Duration.ofMinutes(1))));
        worker.connect(BOB, 0, "c1");
        worker.pushes();

        // when
        worker.advance(Duration.ofMinutes(2));

        // then
        assertThat(worker.pushes()).extracting(Push::getKind).containsExactly(PushKind.QUEUE_EMPTY);
    }

    @Test
    void shouldExpireAnEntryDueWhenTheWindowOpensInsteadOfPushingItBeforeTheSweepRuns() {
        // given bob online with a window of one, "late" waiting behind "m1" and due 5 s after the start
        DeliveryDriver worker = start(DeliveryDriver.settings().withInFlight(1));
        worker.connect(BOB, 0, "c1");
        worker.deliver(delivery("m1", ALICE, BOB));
        worker.deliver(delivery("late", ALICE, BOB, START, START.plus(Duration.ofSeconds(5))));
        worker.pushes();

        // when bob acks m1 just after "late" is due, before the 10 s sweep, and the sweep then runs
        worker.advance(Duration.ofSeconds(6));
        worker.ack(BOB, "c1", "m1");
        List<Push> onAck = worker.pushes();
        List<MessageMetadata> atAck = worker.metadata();
        worker.advance(Duration.ofSeconds(10));

        // then "late" is never pushed, and reported EXPIRED once
        assertThat(onAck).isEmpty();
        assertThat(atAck)
                .extracting(MessageMetadata::getEvent, MessageMetadata::getMessageId)
                .containsExactly(tuple(MessageEventType.DELIVERED, "m1"), tuple(MessageEventType.EXPIRED, "late"));
        assertThat(worker.metadata()).isEmpty();
        assertThat(worker.pushes()).isEmpty();
    }

    @Test
    void shouldNotDrainAnEntryDueBeforeTheConnectEvenIfTheSweepHasNotRunYet() {
        // given "late" queued for offline bob, due 5 s after the start
        DeliveryDriver worker = start();
        worker.deliver(delivery("late", ALICE, BOB, START, START.plus(Duration.ofSeconds(5))));
        worker.deliver(delivery("kept", ALICE, BOB, START, START.plus(Duration.ofHours(1))));

        // when bob connects at 6 s, before the first sweep at 10 s, and the sweep then runs
        worker.advance(Duration.ofSeconds(6));
        worker.connect(BOB, 0, "c1");
        List<Push> onConnect = worker.pushes();
        List<MessageMetadata> atConnect = worker.metadata();
        worker.advance(Duration.ofSeconds(10));

        // then only "kept" is pushed, and "late" is reported EXPIRED once
        assertThat(onConnect)
                .extracting(Push::getKind, DeliveryTopologyTest::messageId)
                .containsExactly(tuple(PushKind.ENVELOPE, "kept"));
        assertThat(atConnect)
                .extracting(MessageMetadata::getEvent, MessageMetadata::getMessageId)
                .containsExactly(tuple(MessageEventType.EXPIRED, "late"));
        assertThat(worker.metadata()).isEmpty();
    }

    @Test
    void shouldLeaveAnEntryPastItsExpiresAtOutOfTheQueueReadBeforeTheSweepRuns() {
        // given
        DeliveryDriver worker = start();
        worker.deliver(delivery("late", ALICE, BOB, START, START.plus(Duration.ofSeconds(5))));
        worker.deliver(delivery("kept", ALICE, BOB, START, START.plus(Duration.ofHours(1))));
        List<Delivery> before = worker.queueHead(BOB, 10);

        // when the queue is read at 6 s, before the first sweep at 10 s
        worker.advance(Duration.ofSeconds(6));
        List<Delivery> after = worker.queueHead(BOB, 10);

        // then
        assertThat(before).extracting(Delivery::getMessageId).containsExactly("late", "kept");
        assertThat(after).extracting(Delivery::getMessageId).containsExactly("kept");
    }

    @Test
    void shouldDropTheOldestEntryWhenTheQueueIsFull() {
        // given
        DeliveryDriver worker = start(DeliveryDriver.settings().withMaxQueueLength(2));
        worker.deliver(delivery("m1", ALICE, BOB));
        worker.deliver(delivery("m2", ALICE, BOB));

        // when
        worker.deliver(delivery("m3", ALICE, BOB));
        worker.connect(BOB, 0, "c1");

        // then
        assertThat(worker.metadata())
                .extracting(MessageMetadata::getEvent, MessageMetadata::getMessageId)
                .containsExactly(tuple(MessageEventType.DROPPED, "m1"));
        assertThat(worker.pushes()).extracting(DeliveryTopologyTest::messageId).containsExactly("m2", "m3");
    }

    @Test
    void shouldKeepDevicesWithSimilarAddressesApart() {
        // given
        DeliveryDriver worker = start();
        worker.deliver(delivery("to-bob-1", ALICE, "bob.1"));
        worker.deliver(delivery("to-bob-12", ALICE, "bob.12"));

        // when
        worker.connect("bob.1", 0, "c1");

        // then
        assertThat(worker.pushes()).extracting(DeliveryTopologyTest::messageId).containsExactly("to-bob-1");
    }

    private static Delivery lowPreKeys(String messageId, String recipient) {
        Delivery delivery = delivery(messageId, recipient, recipient);
        delivery.setContent(ByteBuffer.allocate(0));
        delivery.setEvent(DeviceEvent.newBuilder()
                .setType("low-prekeys")
                .setAttributes(Map.of("ecPreKeys", "3", "pqPreKeys", "9"))
                .build());
        delivery.setEphemeral(true);
        return delivery;
    }

    @Test
    void shouldPushAnEphemeralDeliveryAtOnceWithoutQueueingItOrCountingItInTheWindow() {
        // given
        DeliveryDriver worker = start(DeliveryDriver.settings().withInFlight(1));
        worker.deliver(delivery("m1", ALICE, BOB));
        worker.connect(BOB, 2, "c1");
        worker.pushes();

        // when
        worker.deliver(lowPreKeys("e1", BOB));
        List<Push> ephemeral = worker.pushes();
        worker.ack(BOB, "c1", "m1");
        List<Push> afterAck = worker.pushes();
        worker.connect(BOB, 2, "c2");

        // then
        assertThat(ephemeral)
                .extracting(Push::getKind, DeliveryTopologyTest::messageId, Push::getConnectionId, Push::getGatewayNode)
                .containsExactly(tuple(PushKind.ENVELOPE, "e1", "c1", 2));
        assertThat(ephemeral.get(0).getEnvelope().getEvent().getType()).isEqualTo("low-prekeys");
        assertThat(afterAck).extracting(Push::getKind).containsExactly(PushKind.QUEUE_EMPTY);
        assertThat(worker.pushes()).extracting(Push::getKind).containsExactly(PushKind.CLOSE, PushKind.QUEUE_EMPTY);
        assertThat(worker.metadata()).extracting(MessageMetadata::getMessageId).containsExactly("m1");
    }

    @Test
    void shouldDropAnEphemeralDeliveryForAnOfflineDevice() {
        // given
        DeliveryDriver worker = start();

        // when
        worker.deliver(lowPreKeys("e1", BOB));
        worker.connect(BOB, 0, "c1");

        // then
        assertThat(worker.pushes()).extracting(Push::getKind).containsExactly(PushKind.QUEUE_EMPTY);
        assertThat(worker.metadata()).isEmpty();
    }

    @Test
    void shouldDropTheQueueCloseTheConnectionAndForgetTheRouteOfARemovedDevice() {
        // given
        DeliveryDriver worker = start(DeliveryDriver.settings().withInFlight(1));
        worker.deliver(delivery("m1", ALICE, BOB));
        worker.deliver(delivery("m2", CAROL, BOB));
        worker.deliver(delivery("to-alice", BOB, ALICE));
        worker.connect(BOB, 3, "c1");
        worker.pushes();

        // when
        worker.removeDevice(BOB);
        List<Push> onRemoval = worker.pushes();
        worker.deliver(delivery("m3", ALICE, BOB));
        worker.connect(ALICE, 0, "a1");

        // then
        assertThat(onRemoval)
                .extracting(Push::getKind, Push::getConnectionId, Push::getGatewayNode)
                .containsExactly(tuple(PushKind.CLOSE, "c1", 3));
        assertThat(worker.metadata())
                .extracting(MessageMetadata::getEvent, MessageMetadata::getMessageId, MessageMetadata::getReason)
                .containsExactly(
                        tuple(MessageEventType.DROPPED, "m1", "device-removed"),
                        tuple(MessageEventType.DROPPED, "m2", "device-removed"));
        // nothing more for bob's old connection: only alice's own drain
        assertThat(worker.pushes())
                .extracting(DeliveryTopologyTest::messageId, Push::getConnectionId)
                .containsExactly(tuple("to-alice", "a1"));
    }

    @Test
    void shouldCloseARemovedDevicesSocketAsRemovedOnTheNodeHoldingItNotTheNodeThatDeactivatedIt() {
        // given bob's socket on node 2; the deactivation is handled by node 0 (DeliveryDriver.removeDevice)
        DeliveryDriver worker = start();
        worker.connect(BOB, 2, "c1");
        worker.pushes();
        worker.pushPartitions();

        // when
        worker.removeDevice(BOB);

        // then node 2 is told the device is gone, so it closes with 4410 rather than 4409
        assertThat(worker.pushes())
                .extracting(Push::getKind, Push::getConnectionId, Push::getCloseReason)
                .containsExactly(tuple(PushKind.CLOSE, "c1", CloseReason.DEVICE_REMOVED));
        assertThat(worker.pushPartitions()).containsExactly(2);
    }

    @Test
    void shouldDropTheQueueOfARemovedDeviceThatIsOffline() {
        // given
        DeliveryDriver worker = start();
        worker.deliver(delivery("m1", ALICE, BOB));

        // when
        worker.removeDevice(BOB);

        // then
        assertThat(worker.pushes()).isEmpty();
        assertThat(worker.metadata())
                .extracting(MessageMetadata::getEvent, MessageMetadata::getMessageId)
                .containsExactly(tuple(MessageEventType.DROPPED, "m1"));
    }

    private static String messageId(Push push) {
        return push.getEnvelope() == null
                ? null
                : Objects.toString(push.getEnvelope().getMessageId());
    }
}
