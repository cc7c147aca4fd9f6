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
 * A message answered 201 survives a crash: the delivery-worker and then the gateway are killed with SIGKILL while
 * a sender keeps sending, both are started again, and the recipient receives every acknowledged message, in order.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class CrashRecoveryIT {

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
    void shouldLoseNoAcknowledgedMessageWhenWorkerAndGatewayAreKilled() throws Exception {
        // given bob's device offline, and alice sending without pause in the background
        SocialinkClient client = system.client();
        DeviceCredentials alice = client.register("alice-" + suffix());
        DeviceCredentials bob = client.register("bob-" + suffix());
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean sending = new AtomicBoolean(true);
        CountDownLatch firstAcks = new CountDownLatch(50);
        Thread sender = new Thread(
                () -> {
                    for (int i = 0; sending.get(); i++) {
                        String text = "msg-" + i;
                        try {
                            client.sendToAllDevices(alice, bob.userId(), text.getBytes(StandardCharsets.UTF_8));
                            acknowledged.add(text);
                            firstAcks.countDown();
                        } catch (RuntimeException unavailable) {
                            // the gateway is down or could not reach Kafka: not acknowledged, so no promise was made
                            pause(50);
                        }
                    }
                },
                "sender");
        sender.start();

        // when the worker is killed mid-run and restarted while sends go on
        assertThat(firstAcks.await(60, TimeUnit.SECONDS)).isTrue();
        system.worker.kill();
        int beforeGatewayKill = acknowledged.size();
        awaitMoreAcks(acknowledged, beforeGatewayKill + 50);
        // and then the gateway is killed mid-run and restarted
        system.gateway.kill();
        system.worker.start();
        system.gateway.start();
        awaitMoreAcks(acknowledged, acknowledged.size() + 50);
        sending.set(false);
        sender.join(TimeUnit.SECONDS.toMillis(30));

        // then bob receives every acknowledged message, in the order sent
        Inbox inbox = new Inbox();
        try (DeviceSocket socket = DeviceSocket.connect(client, bob, inbox)) {
            assertThat(socket.awaitQueueEmpty(Duration.ofSeconds(60))).isTrue();
        }
        List<String> received = inbox.texts();
        assertThat(received).containsAll(acknowledged);
        assertThat(received).isSortedAccordingTo((a, b) -> Integer.compare(index(a), index(b)));
        assertThat(received).doesNotHaveDuplicates();
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
