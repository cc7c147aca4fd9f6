package io.socialink.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.api.DeviceInfo;
import io.socialink.client.api.OutgoingCopy;
import io.socialink.client.api.ProblemException;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.socket.CloseStatus;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A rolling restart of the gateway during traffic: two gateway nodes, four senders (two over REST, two over their
 * sockets) and four listening recipients spread over both nodes, and each node in turn stopped with SIGTERM and
 * started again while the senders go on. A sender retries with the same idempotency key only what the client
 * contract says to retry (the connection ended or refused, 503); anything else is an error. Every acknowledged
 * message reaches its recipient once and in order, each node drains its sockets with 1001 (not a dropped
 * connection) and stops well within its grace period.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class RollingRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Kubernetes' default grace period is 30 s; the manifests give the gateway 60 s. */
    private static final Duration STOP_WITHIN = Duration.ofSeconds(25);

    private static LocalSystem system;
    private static AppProcess secondNode;

    @BeforeAll
    static void startSystem(KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) throws Exception {
        system = new LocalSystem(kafka, postgres, redis).start();
        secondNode = system.secondGatewayNode(kafka, postgres, redis).start();
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (secondNode != null) {
            secondNode.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    void shouldLoseAndFailNothingAcrossARollingRestartOfTheGateway() throws Exception {
        // given senders and listening recipients on both nodes
        List<AppProcess> nodes = List.of(system.gateway, secondNode);
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pairs.add(new Pair(i, new SocialinkClient(nodes.get(i % 2).baseUri()), i % 2 == 1));
        }
        AtomicBoolean sending = new AtomicBoolean(true);
        List<Thread> senders = new ArrayList<>();
        try {
            for (Pair pair : pairs) {
                Thread sender = new Thread(() -> pair.sendUntil(sending), "sender-" + pair.index);
                senders.add(sender);
                sender.start();
            }
            awaitAcknowledged(pairs, 20);

            // when each node in turn is stopped with SIGTERM and started again, while the senders go on
            for (AppProcess node : nodes) {
                long stopping = System.nanoTime();
                node.close();
                Duration stopped = Duration.ofNanos(System.nanoTime() - stopping);
                assertThat(stopped)
                        .as("%s stopped after SIGTERM", node.baseUri())
                        .isLessThan(STOP_WITHIN);
                node.start();
                awaitAcknowledged(pairs, 20);
            }
            sending.set(false);
            for (Thread sender : senders) {
                sender.join(TimeUnit.SECONDS.toMillis(30));
            }

            // then
            for (Pair pair : pairs) {
                List<String> expected = List.copyOf(pair.acknowledged);
                List<String> received = pair.awaitAll(expected);
                assertThat(pair.errors)
                        .as("errors of sender %d the client does not retry", pair.index)
                        .isEmpty();
                assertThat(received).as("received by recipient %d", pair.index).containsExactlyElementsOf(expected);
                assertThat(pair.closeCodes)
                        .as("how recipient %d's socket was closed by its node's restart", pair.index)
                        .contains(1001)
                        .doesNotContain(CloseStatus.ABNORMAL);
            }
            assertThat(pairs.stream().mapToInt(p -> p.retries.get()).sum())
                    .as("sends retried over both restarts")
                    .isPositive();
        } finally {
            sending.set(false);
            for (Pair pair : pairs) {
                pair.close();
            }
        }
    }

    private static void awaitAcknowledged(List<Pair> pairs, int more) throws InterruptedException {
        List<Integer> targets =
                pairs.stream().map(p -> p.acknowledged.size() + more).toList();
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int i = 0; i < pairs.size(); i++) {
            Pair pair = pairs.get(i);
            while (pair.acknowledged.size() < targets.get(i)) {
                assertThat(System.nanoTime())
                        .as(
                                "sends of sender %d acknowledged in time (%d retries, the last %s, errors %s)",
                                i, pair.retries.get(), pair.lastRetried, pair.errors)
                        .isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    /** One sender and its recipient, both on the node {@code index % 2}; odd senders send over their socket. */
    private static final class Pair implements AutoCloseable {

        final int index;
        final List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        final List<String> errors = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> closeCodes = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger retries = new AtomicInteger();
        volatile RuntimeException lastRetried;
        private final SocialinkClient client;
        private final DeviceCredentials sender;
        private final DeviceCredentials recipient;
        private final Inbox inbox;
        private final DeviceSocket recipientSocket;
        private final DeviceSocket senderSocket;
        private final List<OutgoingCopy> template;

        Pair(int index, SocialinkClient client, boolean overSocket) {
            this.index = index;
            this.client = client;
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            this.sender = client.register("sender-" + index + "-" + suffix);
            this.recipient = client.register("recipient-" + index + "-" + suffix);
            this.inbox = new Inbox() {
                @Override
                public void onDisconnected(CloseStatus status) {
                    closeCodes.add(status.code());
                }
            };
            this.recipientSocket = DeviceSocket.connect(client, recipient, inbox);
            this.senderSocket = overSocket ? DeviceSocket.connect(client, sender, envelope -> {}) : null;
            List<OutgoingCopy> copies = new ArrayList<>();
            for (DeviceInfo device : client.devices(sender, recipient.userId()).devices()) {
                copies.add(new OutgoingCopy(
                        recipient.userId(), device.deviceId(), device.registrationId(), 1, new byte[0]));
            }
            this.template = List.copyOf(copies);
        }

        void sendUntil(AtomicBoolean sending) {
            for (int k = 0; sending.get(); k++) {
                String text = "s" + index + "-" + k;
                String key = UUID.randomUUID().toString();
                while (sending.get()) {
                    try {
                        send(text, key);
                        acknowledged.add(text);
                        break;
                    } catch (RuntimeException e) {
                        if (!retryable(e)) {
                            errors.add(text + ": " + e);
                            return;
                        }
                        lastRetried = e;
                        retries.incrementAndGet();
                        pause(100);
                    }
                }
                // below the per-device send rate limit (10 per second after a burst of 300)
                pause(150);
            }
        }

        private void send(String text, String key) {
            byte[] content = text.getBytes(StandardCharsets.UTF_8);
            if (senderSocket == null) {
                client.sendToAllDevices(sender, recipient.userId(), key, content);
                return;
            }
            List<OutgoingCopy> copies = template.stream()
                    .map(c -> new OutgoingCopy(c.userId(), c.deviceId(), c.registrationId(), c.type(), content))
                    .toList();
            try {
                senderSocket.send(recipient.userId(), key, copies, null).get(15, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException runtime
                        ? runtime
                        : new IllegalStateException(e.getCause());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * The client contract: retry with the same key when the connection ended, was refused or timed out, or on
         * 503; not on other answers.
         */
        private static boolean retryable(RuntimeException e) {
            if (e instanceof ProblemException problem) {
                return problem.status() == 503;
            }
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof java.io.IOException || cause instanceof java.util.concurrent.TimeoutException) {
                    return true;
                }
            }
            return false;
        }

        List<String> awaitAll(List<String> expected) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            List<String> received = inbox.texts();
            while (!received.containsAll(expected) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                received = inbox.texts();
            }
            return received;
        }

        @Override
        public void close() {
            recipientSocket.close();
            if (senderSocket != null) {
                senderSocket.close();
            }
        }

        private static void pause(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
