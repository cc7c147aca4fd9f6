package io.socialink.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
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
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A listening device outlives a gateway crash: its socket, connected before the gateway is killed with SIGKILL,
 * is never replaced by the test, and still receives every message acknowledged before, during and after the
 * outage, once, in the order sent.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class SocketReconnectIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private static LocalSystem system;

    @BeforeAll
    static void startSystem(KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) throws Exception {
        system = new LocalSystem(kafka, postgres, redis).start();
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void shouldDeliverEveryAcknowledgedMessageToAListeningSocketAcrossAGatewayCrash() throws Exception {
        // given bob listening, and alice sending without pause in the background
        SocialinkClient client = system.client();
        DeviceCredentials alice = client.register("alice-" + suffix());
        DeviceCredentials bob = client.register("bob-" + suffix());
        Inbox inbox = new Inbox();
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean sending = new AtomicBoolean(true);
        CountDownLatch firstAcks = new CountDownLatch(30);
        try (DeviceSocket socket = DeviceSocket.connect(client, bob, inbox)) {
            Thread sender = new Thread(
                    () -> {
                        for (int i = 0; sending.get(); i++) {
                            String text = "msg-" + i;
                            try {
                                client.sendToAllDevices(alice, bob.userId(), text.getBytes(StandardCharsets.UTF_8));
                                acknowledged.add(text);
                                firstAcks.countDown();
                            } catch (RuntimeException unavailable) {
                                // the gateway is down: not acknowledged, so no promise was made
                                pause(50);
                            }
                        }
                    },
                    "sender");
            sender.start();

            // when the gateway is killed mid-run and started again while sends go on
            assertThat(firstAcks.await(60, TimeUnit.SECONDS)).isTrue();
            system.gateway.kill();
            system.gateway.start();
            awaitMoreAcks(acknowledged, acknowledged.size() + 30);
            sending.set(false);
            sender.join(TimeUnit.SECONDS.toMillis(30));

            // then the same socket receives every acknowledged message, once, in the order sent
            List<String> expected = List.copyOf(acknowledged);
            List<String> received = awaitAll(inbox, expected);
            assertThat(received).containsAll(expected);
            assertThat(received).doesNotHaveDuplicates();
            assertThat(received).isSortedAccordingTo((a, b) -> Integer.compare(index(a), index(b)));
            assertThat(socket.isOpen()).isTrue();
        }
    }

    private static List<String> awaitAll(Inbox inbox, List<String> expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> received = inbox.texts();
        while (!received.containsAll(expected) && System.nanoTime() < deadline) {
            pause(100);
            received = inbox.texts();
        }
        return received;
    }

    private static void awaitMoreAcks(List<String> acknowledged, int target) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acknowledged.size() < target) {
            assertThat(System.nanoTime()).as("sends acknowledged in time").isLessThan(deadline);
            pause(50);
        }
    }

    private static int index(String text) {
        return Integer.parseInt(text.substring("msg-".length()));
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
