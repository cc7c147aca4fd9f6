package io.socialink.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.api.OutgoingCopy;
import io.socialink.client.api.ProblemException;
import io.socialink.client.api.SendResult;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.socket.DeviceEvent;
import io.socialink.client.socket.DeviceSocket;
import io.socialink.client.socket.Envelope;
import io.socialink.testing.KafkaTestEnv;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The 1:1 ciphertext pipeline end to end: client → gateway → Kafka → delivery-worker → gateway → WebSocket, with
 * the real apps, broker, database and Redis.
 */
@ExtendWith(SharedLocalSystem.class)
class OneToOneDeliveryIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static LocalSystem system;
    private static KafkaTestEnv kafkaEnv;
    private static SocialinkClient client;

    @BeforeAll
    static void useSharedSystem(LocalSystem shared, KafkaTestEnv kafka) {
        kafkaEnv = kafka;
        system = shared;
        client = system.client();
    }

    @Test
    void shouldDeliverToAnOnlineAndAnOfflineDeviceInOrderWithoutDuplicates() throws Exception {
        // given alice with one device, bob with two: bob's first online, his second offline
        String alice = unique("alice");
        String bob = unique("bob");
        DeviceCredentials aliceDevice = register(alice);
        DeviceCredentials bobPhone = register(bob);
        DeviceCredentials bobLaptop = register(bob);
        Inbox phoneInbox = new Inbox();
        try (DeviceSocket phone = DeviceSocket.connect(client, bobPhone, phoneInbox)) {
            assertThat(phone.awaitQueueEmpty(WAIT))
                    .as("empty queue announced at connect")
                    .isTrue();

            // when alice sends 30 messages, each to both of bob's devices
            List<String> sent = Inbox.texts("hello-", 30);
            for (String text : sent) {
                SendResult result = client.sendToAllDevices(aliceDevice, bob, text.getBytes(StandardCharsets.UTF_8));
                assertThat(result.deviceCount()).isEqualTo(2);
            }

            // then the online device gets them live, in order
            assertThat(phoneInbox.awaitTexts(sent.size(), WAIT)).containsExactlyElementsOf(sent);
            assertThat(phoneInbox.envelopes()).allSatisfy(envelope -> {
                assertThat(envelope.senderUserId()).isEqualTo(alice);
                assertThat(envelope.senderDeviceId()).isEqualTo(aliceDevice.deviceId());
            });

            // and the offline device, once it connects, drains its queue in order, then hears queue-empty
            Inbox laptopInbox = new Inbox();
            try (DeviceSocket laptop = DeviceSocket.connect(client, bobLaptop, laptopInbox)) {
                assertThat(laptop.awaitQueueEmpty(WAIT)).isTrue();
                assertThat(laptopInbox.texts()).containsExactlyElementsOf(sent);
            }
            assertThat(distinctIds(phoneInbox)).isEqualTo(sent.size());
            assertThat(distinctIds(laptopInbox)).isEqualTo(sent.size());
            assertThat(phoneInbox.queueEmptyFrames()).isEqualTo(1);
        }
    }

    @Test
    void shouldDeliverMessagesSentOverTheSendersSocketInOrder() throws Exception {
        // given alice and bob, both connected
        String alice = unique("alice");
        String bob = unique("bob");
        DeviceCredentials aliceDevice = register(alice);
        DeviceCredentials bobDevice = register(bob);
        Inbox bobInbox = new Inbox();
        try (DeviceSocket aliceSocket = DeviceSocket.connect(client, aliceDevice, new Inbox());
                DeviceSocket bobSocket = DeviceSocket.connect(client, bobDevice, bobInbox)) {
            assertThat(bobSocket.awaitQueueEmpty(WAIT)).isTrue();

            // when alice writes 20 send frames without waiting, a retry of the first, and one with a wrong device
            List<String> sent = Inbox.texts("over-socket-", 20);
            List<CompletableFuture<SendResult>> results = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                results.add(aliceSocket.send(bob, "ws-" + i, List.of(copyFor(bobDevice, sent.get(i))), null));
            }
            SendResult retry = aliceSocket
                    .send(bob, "ws-0", List.of(copyFor(bobDevice, sent.get(0))), null)
                    .get(30, TimeUnit.SECONDS);
            CompletableFuture<SendResult> wrongDevice = aliceSocket.send(
                    bob,
                    "ws-wrong",
                    List.of(new OutgoingCopy(bob, 7, 1, OutgoingCopy.DEFAULT_TYPE, new byte[] {1})),
                    null);

            // then each got its result, the retry the first one's, the wrong device a 409 with bob's lists, and bob
            // received each message once, in the order written
            for (CompletableFuture<SendResult> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS).deviceCount()).isEqualTo(1);
            }
            assertThat(retry.messageId()).isEqualTo(results.get(0).join().messageId());
            assertThat(wrongDevice)
                    .failsWithin(WAIT)
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause()
                    .isInstanceOfSatisfying(ProblemException.class, problem -> {
                        assertThat(problem.status()).isEqualTo(409);
                        assertThat(problem.mismatches()).singleElement().satisfies(mismatch -> {
                            assertThat(mismatch.missingDevices()).containsExactly(bobDevice.deviceId());
                            assertThat(mismatch.extraDevices()).containsExactly(7);
                        });
                    });
            assertThat(bobInbox.awaitTexts(sent.size(), WAIT)).containsExactlyElementsOf(sent);
            assertThat(distinctIds(bobInbox)).isEqualTo(sent.size());
        }
    }

    @Test
    void shouldKeepEntriesAckedBeforeTheNextCommitOutOfTheQueueChangelogs() throws Exception {
        // given alice and bob connected, alice counting the receipts her socket gets (each receipt event a queue
        // entry too)
        String alice = unique("alice");
        String bob = unique("bob");
        DeviceCredentials aliceDevice = register(alice);
        DeviceCredentials bobDevice = register(bob);
        Inbox bobInbox = new Inbox();
        AtomicInteger receipts = new AtomicInteger();
        Inbox aliceInbox = new Inbox() {
            @Override
            public void onEvent(DeviceEvent event) {
                if ("receipt".equals(event.type())) {
                    receipts.addAndGet(event.entries().size());
                }
            }
        };
        int messages = 50;
        try (DeviceSocket aliceSocket = DeviceSocket.connect(client, aliceDevice, aliceInbox);
                DeviceSocket bobSocket = DeviceSocket.connect(client, bobDevice, bobInbox)) {
            assertThat(bobSocket.awaitQueueEmpty(WAIT)).isTrue();
            assertThat(aliceSocket.awaitQueueEmpty(WAIT)).isTrue();
            Map<String, Long> before = queueChangelogEnds();

            // when alice sends 50 messages, bob receives and acks them, alice receives and acks their receipts,
            // and the worker commits (every second)
            List<String> sent = Inbox.texts("changelog-", messages);
            for (int i = 0; i < messages; i++) {
                aliceSocket
                        .send(bob, "cl-" + i, List.of(copyFor(bobDevice, sent.get(i))), null)
                        .get(30, TimeUnit.SECONDS);
            }
            assertThat(bobInbox.awaitTexts(messages, WAIT)).containsExactlyElementsOf(sent);
            await(() -> receipts.get() >= messages);
            Thread.sleep(3_000);
            Map<String, Long> after = queueChangelogEnds();

            // then the entries (50 messages and their receipt events), each pushed and acked within moments, left
            // next to nothing in the entries and messageId index changelogs: a tombstone each would be more than 50
            // records per store
            for (String store : List.of("delivery-queue-entries", "delivery-queue-ids")) {
                assertThat(after.get(store) - before.get(store))
                        .as("records written to the %s changelog", store)
                        .isLessThan(messages);
            }
        }
    }

    /** The summed end offsets of the worker's queue entries and messageId index changelogs, by store. */
    private static Map<String, Long> queueChangelogEnds() {
        Map<String, Long> ends = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                kafkaEnv.consumerProperties("changelog-ends-" + UUID.randomUUID()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            for (String store : List.of("delivery-queue-entries", "delivery-queue-ids")) {
                String topic = system.workerApplicationId + "-" + store + "-changelog";
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(info -> new TopicPartition(topic, info.partition()))
                        .toList();
                ends.put(
                        store,
                        consumer.endOffsets(partitions).values().stream()
                                .mapToLong(Long::longValue)
                                .sum());
            }
        }
        return ends;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition met within %s", WAIT).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static OutgoingCopy copyFor(DeviceCredentials device, String text) {
        return new OutgoingCopy(
                device.userId(),
                device.deviceId(),
                device.registrationId(),
                OutgoingCopy.DEFAULT_TYPE,
                text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRedeliverUnackedEnvelopesAfterAReconnectAndKeepOrder() throws Exception {
        // given bob is offline while alice sends
        String alice = unique("alice");
        String bob = unique("bob");
        DeviceCredentials aliceDevice = register(alice);
        DeviceCredentials bobDevice = register(bob);
        List<String> sent = Inbox.texts("queued-", 10);
        for (String text : sent) {
            client.sendToAllDevices(aliceDevice, bob, text.getBytes(StandardCharsets.UTF_8));
        }

        // when bob's first socket refuses to store (never acks) and closes, and a second socket connects
        Inbox failing = new Inbox() {
            @Override
            public synchronized void onEnvelope(Envelope envelope) {
                super.onEnvelope(envelope);
                throw new IllegalStateException("disk full");
            }
        };
        try (DeviceSocket first = DeviceSocket.connect(client, bobDevice, failing)) {
            assertThat(failing.awaitTexts(1, WAIT)).isNotEmpty();
        }
        Inbox inbox = new Inbox();
        try (DeviceSocket second = DeviceSocket.connect(client, bobDevice, inbox)) {
            assertThat(second.awaitQueueEmpty(WAIT)).isTrue();
        }

        // then every message arrives, once, in the order sent
        assertThat(inbox.texts()).containsExactlyElementsOf(sent);
    }

    @Test
    void shouldNotDeliverARetriedSendTwice() throws Exception {
        // given
        String alice = unique("alice");
        String bob = unique("bob");
        DeviceCredentials aliceDevice = register(alice);
        DeviceCredentials bobDevice = register(bob);
        Inbox inbox = new Inbox();
        try (DeviceSocket socket = DeviceSocket.connect(client, bobDevice, inbox)) {
            assertThat(socket.awaitQueueEmpty(WAIT)).isTrue();
            String key = UUID.randomUUID().toString();

            // when the same send is retried with its idempotency key, then another message follows
            SendResult first = client.sendToAllDevices(aliceDevice, bob, key, bytes("once"));
            SendResult retry = client.sendToAllDevices(aliceDevice, bob, key, bytes("once"));
            client.sendToAllDevices(aliceDevice, bob, bytes("after"));

            // then the retry answers the same message, and the device gets it once, before the next one
            assertThat(retry.messageId()).isEqualTo(first.messageId());
            assertThat(inbox.awaitTexts(2, WAIT)).containsExactly("once", "after");
            assertThat(socket.duplicatesDropped()).isZero();
        }
    }

    @Test
    void shouldCloseTheOlderSocketWhenTheSameDeviceConnectsAgain() throws Exception {
        // given
        DeviceCredentials device = register(unique("carol"));
        DeviceSocket older = DeviceSocket.connect(client, device, new Inbox());

        // when
        try (DeviceSocket newer = DeviceSocket.connect(client, device, new Inbox())) {
            // then
            assertThat(older.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(4409);
            assertThat(newer.isOpen()).isTrue();
        }
    }

    static DeviceCredentials register(String userId) {
        return client.register(userId);
    }

    static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static long distinctIds(Inbox inbox) {
        return inbox.envelopes().stream().map(Envelope::messageId).distinct().count();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
