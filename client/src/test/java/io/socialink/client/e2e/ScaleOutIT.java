package io.socialink.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.mls.GroupIds;
import io.socialink.client.mls.MlsDevice;
import io.socialink.client.socket.DeviceSocket;
import io.socialink.client.socket.Envelope;
import io.socialink.client.socket.ServerFrame;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scaled layout as separate processes: two gateway nodes (ids leased with {@code auto}), two delivery-workers
 * and two group-fanouts of one Streams application each, with a standby replica of every task. Devices on both
 * nodes exchange 1:1 and group messages; the queue API answers the same on both nodes for queues held by either
 * worker; and one worker killed with SIGKILL mid-run loses nothing acknowledged, repeats nothing after the client's
 * dedup, and its devices are served by the other worker within {@link #FAILOVER_WITHIN}.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {

    /** The development credential the apps accept under the local profile, as the harness runs them. */
    private static final String INTERNAL_SECRET = "socialink-local-internal-secret-0123456789abcdef";

    private static final Duration WAIT = Duration.ofSeconds(90);
    /**
     * A killed worker's devices are served again within this: its consumer-group session times out (10 s) and its
     * open transaction is aborted (10 s), the other worker takes its tasks over from the standby replicas and
     * re-pushes what was in flight (13–15 s measured on the benchmark machine; the bound leaves room for CI).
     */
    private static final Duration FAILOVER_WITHIN = Duration.ofSeconds(45);

    private static final Pattern QUEUED = Pattern.compile("(?m)^socialink_delivery_queued_total\\{[^}]*} (\\S+)$");

    private static final List<AppProcess> apps = new ArrayList<>();
    private static AppProcess workerA;
    private static AppProcess workerB;
    private static SocialinkClient node0;
    private static SocialinkClient node1;

    @BeforeAll
    static void startSystem(KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) throws Exception {
        String workerId = "e2e-scale-" + UUID.randomUUID();
        String groupsId = "e2e-scale-groups-" + UUID.randomUUID();
        workerA = worker(kafka, workerId, "delivery-worker-a");
        workerB = worker(kafka, workerId, "delivery-worker-b");
        AppProcess fanoutA = groupFanout(kafka, groupsId, "group-fanout-a");
        AppProcess fanoutB = groupFanout(kafka, groupsId, "group-fanout-b");
        AppProcess gateway0 = gateway(kafka, postgres, redis, workerA, "gateway-a");
        AppProcess gateway1 = gateway(kafka, postgres, redis, workerB, "gateway-b");
        for (AppProcess app : List.of(workerA, workerB, fanoutA, fanoutB, gateway0, gateway1)) {
            apps.add(app.start());
        }
        node0 = new SocialinkClient(gateway0.baseUri());
        node1 = new SocialinkClient(gateway1.baseUri());
    }

    @AfterAll
    static void stopSystem() throws Exception {
        for (int i = apps.size() - 1; i >= 0; i--) {
            apps.get(i).close();
        }
    }

    @Test
    @Order(1)
    void shouldServeMessagesAndEveryQueueOnBothNodesWhicheverWorkerHoldsIt() throws Exception {
        // given twelve devices offline, each with one message queued, and alice on node 0
        String run = suffix();
        DeviceCredentials alice = node0.register("alice-" + run);
        List<DeviceCredentials> offline = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            DeviceCredentials device = (i % 2 == 0 ? node0 : node1).register("offline-" + i + "-" + run);
            offline.add(device);
            node0.sendToAllDevices(alice, device.userId(), ("queued-for-" + i).getBytes(StandardCharsets.UTF_8));
        }
        assertThat(await(() -> queued(workerA) > 0 && queued(workerB) > 0))
                .as("both workers hold some of the queues")
                .isTrue();

        // when each device's queue is read through either node
        // then both nodes answer it whole, whichever worker holds it
        for (int i = 0; i < offline.size(); i++) {
            DeviceCredentials device = offline.get(i);
            String expected = "queued-for-" + i;
            assertThat(await(() -> texts(node0.queue(device, 10)).equals(List.of(expected))))
                    .as("queue of %s through node 0", device.userId())
                    .isTrue();
            assertThat(texts(node1.queue(device, 10))).as("through node 1").containsExactly(expected);
        }

        // and a device on node 1 gets alice's message sent through node 0
        DeviceCredentials bob = node1.register("bob-" + run);
        Inbox inbox = new Inbox();
        try (DeviceSocket socket = DeviceSocket.connect(node1, bob, inbox)) {
            assertThat(socket.awaitQueueEmpty(WAIT)).isTrue();
            node0.sendToAllDevices(alice, bob.userId(), "across the nodes".getBytes(StandardCharsets.UTF_8));
            assertThat(inbox.awaitTexts(1, WAIT)).containsExactly("across the nodes");
        }

        // and members on both nodes exchange group messages in three groups (their partitions are shared by the two
        // group-fanouts; which one owns each group is not checked)
        try (MlsDevice carol = MlsDevice.online(node0, "carol-" + run);
                MlsDevice dave = MlsDevice.online(node1, "dave-" + run)) {
            List<String> groups = List.of(GroupIds.random(), GroupIds.random(), GroupIds.random());
            for (String group : groups) {
                carol.groups().create(group);
                carol.groups().add(group, List.of(dave.credentials().userId()));
                assertThat(dave.inbox().awaitJoined(group, WAIT)).isTrue();
                carol.groups().send(group, ("to " + group).getBytes(StandardCharsets.UTF_8));
                dave.groups().send(group, ("back in " + group).getBytes(StandardCharsets.UTF_8));
            }
            for (String group : groups) {
                assertThat(dave.inbox().awaitText(group, "to " + group, WAIT)).isTrue();
                assertThat(carol.inbox().awaitText(group, "back in " + group, WAIT))
                        .isTrue();
            }
        }
    }

    @Test
    @Order(2)
    void shouldLoseAndRepeatNothingWhenOneWorkerIsKilledAndServeItsDevicesFromTheOther() throws Exception {
        // given eight listening recipients on both nodes, and a sender going round them without pause
        String run = suffix();
        DeviceCredentials sender = node0.register("sender-" + run);
        List<Recipient> recipients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            SocialinkClient node = i % 2 == 0 ? node0 : node1;
            recipients.add(new Recipient(node, node.register("listener-" + i + "-" + run)));
        }
        List<DeviceSocket> sockets = new ArrayList<>();
        for (Recipient recipient : recipients) {
            sockets.add(DeviceSocket.connect(recipient.node, recipient.device, recipient.inbox));
        }
        AtomicBoolean sending = new AtomicBoolean(true);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        Thread loop = new Thread(
                () -> {
                    for (int i = 0; sending.get(); i++) {
                        Recipient recipient = recipients.get(i % recipients.size());
                        String text = "m-" + i;
                        try {
                            long before = System.nanoTime();
                            node0.sendToAllDevices(sender, recipient.device.userId(), bytes(text));
                            sentAt.put(text, before);
                            acknowledged.add(text);
                            recipient.expected.add(text);
                        } catch (RuntimeException unavailable) {
                            pause(50);
                        }
                        pause(20);
                    }
                },
                "sender");
        try {
            loop.start();
            awaitAcks(acknowledged, 80);

            // when one worker is killed mid-run
            workerB.kill();
            long killedAt = System.nanoTime();
            awaitAcks(acknowledged, acknowledged.size() + 200);

            // then every recipient gets a message sent after the kill within the failover bound
            for (Recipient recipient : recipients) {
                assertThat(await(() -> recipient.firstSentAfter(killedAt, sentAt) != null))
                        .as("%s served after the kill", recipient.device.userId())
                        .isTrue();
            }
            long servedAgain = recipients.stream()
                    .mapToLong(recipient -> recipient.firstSentAfter(killedAt, sentAt))
                    .max()
                    .orElseThrow();
            Duration failover = Duration.ofNanos(servedAgain - killedAt);
            System.out.printf(
                    "ScaleOutIT: every device served again %d ms after the worker was killed%n", failover.toMillis());
            assertThat(failover).isLessThan(FAILOVER_WITHIN);
            sending.set(false);
            loop.join(TimeUnit.SECONDS.toMillis(30));

            // and every acknowledged message arrives, once, in the order sent
            for (Recipient recipient : recipients) {
                List<String> expected = List.copyOf(recipient.expected);
                assertThat(await(() -> recipient.inbox.texts().containsAll(expected)))
                        .as("%s got all %d acknowledged messages", recipient.device.userId(), expected.size())
                        .isTrue();
                List<String> received = recipient.inbox.texts();
                assertThat(received).doesNotHaveDuplicates();
                assertThat(received).isSortedAccordingTo((a, b) -> Integer.compare(index(a), index(b)));
            }
        } finally {
            sending.set(false);
            for (DeviceSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /** A listening device; {@code expected} what was acknowledged for it. */
    private static final class Recipient {
        final SocialinkClient node;
        final DeviceCredentials device;
        final Inbox inbox = new Inbox();
        final List<String> expected = Collections.synchronizedList(new ArrayList<>());

        Recipient(SocialinkClient node, DeviceCredentials device) {
            this.node = node;
            this.device = device;
        }

        /** When the first message received that was sent after {@code killedAt} was received, in nanoTime. */
        Long firstSentAfter(long killedAt, Map<String, Long> sentAt) {
            return inbox.envelopeTimes().entrySet().stream()
                    .filter(entry -> sentAt.getOrDefault(entry.getKey(), Long.MIN_VALUE) > killedAt)
                    .map(Map.Entry::getValue)
                    .min(Long::compare)
                    .orElse(null);
        }
    }

    private static AppProcess worker(KafkaTestEnv kafka, String applicationId, String name) throws Exception {
        Map<String, Object> properties = new HashMap<>(kafka.springProperties());
        properties.put("socialink.delivery.application-id", applicationId);
        properties.put("socialink.delivery.state-dir", Files.createTempDirectory(name));
        properties.put("socialink.delivery.standby-replicas", 1);
        AppProcess worker = AppProcess.of("delivery-worker", name, properties);
        return worker.with(
                "socialink.delivery.advertised-address",
                "127.0.0.1:" + worker.internalUri().getPort());
    }

    private static AppProcess groupFanout(KafkaTestEnv kafka, String applicationId, String name) throws Exception {
        Map<String, Object> properties = new HashMap<>(kafka.springProperties());
        properties.put("socialink.groups.application-id", applicationId);
        properties.put("socialink.groups.state-dir", Files.createTempDirectory(name));
        properties.put("socialink.groups.standby-replicas", 1);
        return AppProcess.of("group-fanout", name, properties);
    }

    private static AppProcess gateway(
            KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis, AppProcess worker, String name) {
        Map<String, Object> properties = new HashMap<>(kafka.springProperties());
        properties.putAll(postgres.springProperties());
        properties.putAll(redis.springProperties());
        properties.put("socialink.gateway.node-id", "auto");
        properties.put("socialink.gateway.delivery-worker-url", worker.internalUri());
        return AppProcess.of("gateway", name, properties);
    }

    /** The worker's count of copies it queued, from its metrics on the internal port. */
    private static double queued(AppProcess worker) throws Exception {
        String credential =
                Base64.getEncoder().encodeToString(("internal:" + INTERNAL_SECRET).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(worker.internalUri().resolve(URI.create("/actuator/prometheus")))
                                .header("Authorization", "Basic " + credential)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        Matcher matcher = QUEUED.matcher(metrics.body());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private static List<String> texts(List<ServerFrame> frames) {
        return frames.stream()
                .filter(Envelope.class::isInstance)
                .map(frame -> new String(((Envelope) frame).content(), StandardCharsets.UTF_8))
                .toList();
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static boolean await(Check check) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return true;
    }

    private static void awaitAcks(List<String> acknowledged, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (acknowledged.size() < count) {
            assertThat(System.nanoTime()).as("%d acknowledged sends", count).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private static int index(String text) {
        return Integer.parseInt(text.substring("m-".length()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
