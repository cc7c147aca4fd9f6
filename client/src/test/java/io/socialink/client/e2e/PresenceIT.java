package io.socialink.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.socialink.client.api.Presence;
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
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Presence end to end, every app a process of its own with its default timings: alice's device holds its socket on
 * gateway node 0, bob asks through node 1; presence-service derives what he sees from the connection events. Alice
 * comes online, sets a status, goes invisible, goes to the background, leaves, comes back, and node 0 is killed
 * with -9: her device goes offline by itself within the 90 s device TTL.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class PresenceIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** The device TTL (90 s), plus the time a status read takes. */
    private static final Duration DEAD_GATEWAY_WAIT = Duration.ofSeconds(95);

    private static LocalSystem system;
    private static AppProcess presence;
    private static AppProcess secondNode;

    @BeforeAll
    static void startSystem(KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) throws Exception {
        system = new LocalSystem(kafka, postgres, redis).start();
        presence = LocalSystem.presenceService(kafka, redis).start();
        secondNode = system.secondGatewayNode(kafka, postgres, redis).start();
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (secondNode != null) {
            secondNode.close();
        }
        if (presence != null) {
            presence.close();
        }
        if (system != null) {
            system.close();
        }
    }

    /** Polls {@code condition} every 200 ms until it holds; fails after {@code wait}. */
    private static void until(Duration wait, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + wait);
            }
            Thread.sleep(200);
        }
    }

    @Test
    void shouldShowAnotherUsersPresenceAsItChangesAndTakeADeadGatewaysDevicesOffline() throws Exception {
        // given
        SocialinkClient aliceNode = system.client();
        SocialinkClient bobNode = new SocialinkClient(secondNode.baseUri());
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        DeviceCredentials alice = aliceNode.register("alice-" + suffix);
        DeviceCredentials bob = bobNode.register("bob-" + suffix);

        // then: never seen
        assertThat(bobNode.presence(bob, alice.userId()))
                .isEqualTo(new Presence(alice.userId(), false, null, "available", null));

        // when bob's device follows her over its socket
        Inbox bobInbox = new Inbox();
        DeviceSocket bobSocket = DeviceSocket.connect(bobNode, bob, bobInbox);
        until(WAIT, bobSocket::isConnected);
        bobSocket.subscribePresence(List.of(alice.userId())).get();

        // then: a snapshot of her
        DeviceEvent snapshot = bobInbox.awaitEvent("presence-snapshot", event -> true, WAIT);
        assertThat(snapshot).isNotNull();
        assertThat(snapshot.attributes().get("users"))
                .contains("\"userId\":\"" + alice.userId() + "\"", "\"online\":false");

        // when alice's device connects
        Inbox aliceInbox = new Inbox();
        DeviceSocket socket = DeviceSocket.connect(aliceNode, alice, aliceInbox);

        // then: bob's socket is told, and a read agrees
        assertThat(bobInbox.awaitEvent(
                        "presence", event -> "true".equals(event.attributes().get("online")), WAIT))
                .isNotNull();
        assertThat(bobNode.presence(bob, alice.userId()).online()).isTrue();
        assertThat(bobNode.onlineCount(bob)).isPositive();

        // when bob types to her, and stops
        String conversation = SocialinkClient.conversationId(alice.userId(), bob.userId());
        bobSocket.typing(conversation, true).get();

        // then her device shows it, and the conversation says so
        DeviceEvent typing = aliceInbox.awaitEvent(
                "typing", event -> "true".equals(event.attributes().get("typing")), WAIT);
        assertThat(typing).isNotNull();
        assertThat(typing.attributes())
                .containsEntry("conversationId", conversation)
                .containsEntry("userId", bob.userId());
        assertThat(aliceNode.typing(alice, conversation)).containsExactly(bob.userId());
        Thread.sleep(1_100);
        bobSocket.typing(conversation, false).get();
        assertThat(aliceInbox.awaitEvent(
                        "typing", event -> "false".equals(event.attributes().get("typing")), WAIT))
                .isNotNull();
        assertThat(aliceNode.typing(alice, conversation)).isEmpty();

        // when she sets a status
        aliceNode.setStatus(alice, "busy", "in a meeting");

        // then
        assertThat(bobNode.presence(bob, alice.userId()))
                .isEqualTo(new Presence(alice.userId(), true, null, "busy", "in a meeting"));

        // when she goes invisible: offline to bob, without last seen or status; she still sees herself
        aliceNode.setStatus(alice, "invisible", null);

        // then
        assertThat(bobNode.presence(bob, alice.userId()))
                .isEqualTo(new Presence(alice.userId(), false, null, null, null));
        assertThat(bobInbox.awaitEvent(
                        "presence",
                        event -> "null".equals(event.attributes().get("status"))
                                || "".equals(event.attributes().get("status")),
                        WAIT))
                .as("bob's socket is told she went offline")
                .isNotNull();
        assertThat(aliceNode.presence(alice, alice.userId()))
                .isEqualTo(new Presence(alice.userId(), true, null, "invisible", null));
        assertThat(bobNode.presences(bob, List.of(alice.userId(), bob.userId())))
                .extracting(Presence::userId, Presence::online)
                .containsExactly(tuple(alice.userId(), false), tuple(bob.userId(), true));

        // when she is visible again, and her app goes to the background with the socket open
        aliceNode.setStatus(alice, "available", null);
        long backgroundAt = System.currentTimeMillis();
        aliceNode.setActive(alice, false);

        // then: offline, last seen when she left the front
        until(WAIT, () -> !bobNode.presence(bob, alice.userId()).online());
        Long lastSeen = bobNode.presence(bob, alice.userId()).lastSeen();
        assertThat(lastSeen).isNotNull().isBetween(backgroundAt - 5_000, System.currentTimeMillis());

        // and a viewer who hides his own presence sees no one's last seen
        bobNode.setPresenceVisibility(bob, "nobody");
        assertThat(bobNode.presence(bob, alice.userId()).lastSeen()).isNull();
        bobNode.setPresenceVisibility(bob, "everyone");

        // when she comes back to the front
        aliceNode.setActive(alice, true);

        // then
        until(WAIT, () -> bobNode.presence(bob, alice.userId()).online());

        // when she closes the socket
        long closedAt = System.currentTimeMillis();
        socket.close();

        // then
        until(WAIT, () -> !bobNode.presence(bob, alice.userId()).online());
        assertThat(bobNode.presence(bob, alice.userId()).lastSeen())
                .isNotNull()
                .isGreaterThanOrEqualTo(closedAt - 1_000);

        // when she connects again and her gateway dies without a word
        DeviceSocket.connect(aliceNode, alice, new Inbox());
        until(WAIT, () -> bobNode.presence(bob, alice.userId()).online());
        long killedAt = System.currentTimeMillis();
        system.gateway.kill();

        // then: offline by herself within the device TTL, last seen her last sign of life before the kill; bob's
        // socket is told within the sweep's second
        bobInbox.clearEvents();
        until(DEAD_GATEWAY_WAIT, () -> !bobNode.presence(bob, alice.userId()).online());
        assertThat(bobInbox.awaitEvent(
                        "presence", event -> "false".equals(event.attributes().get("online")), WAIT))
                .isNotNull();
        assertThat(System.currentTimeMillis() - killedAt).isLessThanOrEqualTo(DEAD_GATEWAY_WAIT.toMillis());
        assertThat(bobNode.presence(bob, alice.userId()).lastSeen()).isNotNull().isLessThanOrEqualTo(killedAt);
    }
}
