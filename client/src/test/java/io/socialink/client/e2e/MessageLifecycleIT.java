package io.socialink.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.api.Conversation;
import io.socialink.client.api.SendResult;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.socket.DeviceEvent;
import io.socialink.client.socket.DeviceSocket;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The message lifecycle end to end with the real apps: receipts seen live by both of the sender's devices, the
 * conversation's statuses, delete-for-everyone of an undelivered message, and expiry while the device is offline.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class MessageLifecycleIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static LocalSystem system;
    private static SocialinkClient client;

    @BeforeAll
    static void startSystem(KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) throws Exception {
        system = new LocalSystem(
                        kafka,
                        postgres,
                        redis,
                        Map.of("socialink.delivery.expiry-interval", "1s"),
                        Map.of("socialink.projection.sweep-interval", "1s"))
                .start();
        client = system.client();
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    /** An inbox that also keeps the device events it was pushed. */
    static final class EventInbox extends Inbox {

        private final List<DeviceEvent> events = new ArrayList<>();

        @Override
        public synchronized void onEvent(DeviceEvent event) {
            events.add(event);
            notifyAll();
        }

        synchronized List<DeviceEvent> events() {
            return List.copyOf(events);
        }

        /** Waits for an event of {@code type} about {@code messageId} matching {@code also}; null on timeout. */
        synchronized DeviceEvent awaitEvent(String type, UUID messageId, Predicate<DeviceEvent> also)
                throws InterruptedException {
            return awaitFirst(() -> events.stream()
                    .filter(event -> event.type().equals(type)
                            && messageId.toString().equals(event.attributes().get("targetMessageId"))
                            && also.test(event))
                    .findFirst()
                    .orElse(null));
        }

        /** Waits for the receipt entry about {@code messageId} matching {@code also}; null on timeout. */
        synchronized Map<String, String> awaitReceipt(UUID messageId, Predicate<Map<String, String>> also)
                throws InterruptedException {
            return awaitFirst(() -> events.stream()
                    .filter(event -> event.type().equals(DeviceEvent.RECEIPT))
                    .flatMap(event -> event.entries().stream())
                    .filter(entry -> messageId.toString().equals(entry.get("targetMessageId")) && also.test(entry))
                    .findFirst()
                    .orElse(null));
        }

        private <T> T awaitFirst(Supplier<T> found) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                T first = found.get();
                if (first != null) {
                    return first;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private static <T> T await(Supplier<T> value, Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        T current = value.get();
        while (!done.test(current) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            current = value.get();
        }
        return current;
    }

    private static Conversation.Message inConversation(DeviceCredentials viewer, String with, UUID messageId) {
        return client.conversation(viewer, with, null, 100).find(messageId);
    }

    private static Predicate<Map<String, String>> receipt(String status, DeviceCredentials about) {
        return entry -> status.equals(entry.get("status"))
                && about.userId().equals(entry.get("userId"))
                && Integer.toString(about.deviceId()).equals(entry.get("deviceId"));
    }

    private static String unique(String name) {
        return name + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void shouldShowDeliveredThenReadLiveOnBothOfTheSendersDevicesAndInTheConversation() throws Exception {
        // given alice on two online devices, bob's phone online and his laptop offline
        String alice = unique("alice");
        String bob = unique("bob");
        DeviceCredentials alicePhone = client.register(alice);
        DeviceCredentials aliceLaptop = client.register(alice);
        DeviceCredentials bobPhone = client.register(bob);
        DeviceCredentials bobLaptop = client.register(bob);
        EventInbox alicePhoneInbox = new EventInbox();
        EventInbox aliceLaptopInbox = new EventInbox();
        EventInbox bobPhoneInbox = new EventInbox();
        try (DeviceSocket phone = DeviceSocket.connect(client, alicePhone, alicePhoneInbox);
                DeviceSocket laptop = DeviceSocket.connect(client, aliceLaptop, aliceLaptopInbox);
                DeviceSocket bobSocket = DeviceSocket.connect(client, bobPhone, bobPhoneInbox)) {
            assertThat(phone.awaitQueueEmpty(WAIT) && laptop.awaitQueueEmpty(WAIT) && bobSocket.awaitQueueEmpty(WAIT))
                    .isTrue();

            // when alice sends, bob's phone receives (and acks), then bob reads it there
            SendResult sent = client.sendToAllDevices(alicePhone, bob, "hi bob".getBytes(StandardCharsets.UTF_8));
            assertThat(bobPhoneInbox.awaitTexts(1, WAIT)).containsExactly("hi bob");
            UUID messageId = sent.messageId();

            // then both of alice's devices see "delivered" from bob's phone, live
            for (EventInbox inbox : List.of(alicePhoneInbox, aliceLaptopInbox)) {
                assertThat(inbox.awaitReceipt(messageId, receipt("delivered", bobPhone)))
                        .as("delivered receipt")
                        .isNotNull();
            }

            // and after bob reads it, "read"
            client.markRead(bobPhone, messageId);
            for (EventInbox inbox : List.of(alicePhoneInbox, aliceLaptopInbox)) {
                Map<String, String> read = inbox.awaitReceipt(messageId, receipt("read", bobPhone));
                assertThat(read).as("read receipt").isNotNull();
                assertThat(Long.parseLong(read.get("at"))).isPositive();
            }

            // and the conversation shows per device: bob's phone read, his offline laptop only sent
            Conversation.Message message = await(
                    () -> inConversation(alicePhone, bob, messageId),
                    found -> found != null && "read".equals(found.statusOf(bob, bobPhone.deviceId())));
            assertThat(message.statusOf(bob, bobPhone.deviceId())).isEqualTo("read");
            assertThat(message.statusOf(bob, bobLaptop.deviceId())).isEqualTo("sent");
            assertThat(message.senderDeviceId()).isEqualTo(alicePhone.deviceId());
            assertThat(inConversation(bobLaptop, alice, messageId)).isNotNull();
        }
    }

    @Test
    void shouldNeverDeliverAMessageDeletedForEveryoneBeforeItsDeviceCameOnline() throws Exception {
        // given bob's only device offline, alice's message queued for it
        String alice = unique("alice");
        String bob = unique("bob");
        DeviceCredentials aliceDevice = client.register(alice);
        DeviceCredentials bobDevice = client.register(bob);
        UUID kept = client.sendToAllDevices(aliceDevice, bob, "kept".getBytes(StandardCharsets.UTF_8))
                .messageId();
        UUID deleted = client.sendToAllDevices(aliceDevice, bob, "regret".getBytes(StandardCharsets.UTF_8))
                .messageId();
        await(() -> inConversation(aliceDevice, bob, deleted), java.util.Objects::nonNull);

        // when alice deletes it for everyone, then bob connects
        client.deleteForEveryone(aliceDevice, deleted);
        await(() -> inConversation(aliceDevice, bob, deleted), found -> found != null && found.deleted());
        EventInbox bobInbox = new EventInbox();
        try (DeviceSocket socket = DeviceSocket.connect(client, bobDevice, bobInbox)) {

            // then bob gets the other message and the delete event, never the deleted message
            assertThat(socket.awaitQueueEmpty(WAIT)).isTrue();
            assertThat(bobInbox.texts()).containsExactly("kept");
            assertThat(bobInbox.envelopes())
                    .noneMatch(envelope -> envelope.messageId().equals(deleted));
            assertThat(bobInbox.awaitEvent("delete", deleted, event -> true)).isNotNull();
            assertThat(bobInbox.envelopes())
                    .extracting(envelope -> envelope.messageId())
                    .containsExactly(kept);
        }
        assertThat(inConversation(bobDevice, alice, deleted).deleted()).isTrue();
    }

    @Test
    void shouldExpireADisappearingMessageWhileItsDeviceIsOffline() throws Exception {
        // given bob offline
        String alice = unique("alice");
        String bob = unique("bob");
        DeviceCredentials aliceDevice = client.register(alice);
        DeviceCredentials bobDevice = client.register(bob);

        // when alice sends a message that disappears after 2 s, and bob stays offline past that
        UUID messageId = client.sendDisappearing(
                        aliceDevice, bob, "soon gone".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2))
                .messageId();
        Conversation.Message before =
                await(() -> inConversation(aliceDevice, bob, messageId), java.util.Objects::nonNull);
        Thread.sleep(4_000);

        // then bob's device connects to an empty queue, and the status rows are gone
        assertThat(before.expiresAt()).isNotNull();
        EventInbox bobInbox = new EventInbox();
        try (DeviceSocket socket = DeviceSocket.connect(client, bobDevice, bobInbox)) {
            assertThat(socket.awaitQueueEmpty(WAIT)).isTrue();
            assertThat(bobInbox.envelopes()).isEmpty();
        }
        assertThat(await(() -> inConversation(aliceDevice, bob, messageId), java.util.Objects::isNull))
                .isNull();
    }
}
