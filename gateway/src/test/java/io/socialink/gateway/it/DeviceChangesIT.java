package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Device lists and credentials cached on one gateway node follow registrations and removals made on another node at
 * once, not when their cache lifetimes end: a send that leaves out a device registered elsewhere a moment ago is
 * refused (a device would otherwise miss the message), and a device removed elsewhere is refused its credential.
 * Both nodes cache for a minute here, so only the change message can make the difference.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class DeviceChangesIT {

    private static final long HEARD_WITHIN_MILLIS = 2_000;

    private static GatewayApp node0;
    private static GatewayApp node1;
    private static String redisUrl;

    @BeforeAll
    static void start(KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) {
        redisUrl = redis.url();
        Map<String, Object> caching = Map.of("socialink.gateway.device-cache", "60s");
        node0 = GatewayApp.start(kafka, postgres, redis, caching);
        node1 = GatewayApp.start(
                kafka,
                postgres,
                redis,
                Map.of("socialink.gateway.device-cache", "60s", "socialink.gateway.node-id", 1));
    }

    @AfterAll
    static void stop() {
        if (node0 != null) {
            node0.close();
        }
        if (node1 != null) {
            node1.close();
        }
    }

    private static String sendTo(Device... recipients) {
        String content = Base64.getEncoder().encodeToString("ciphertext".getBytes(StandardCharsets.UTF_8));
        StringBuilder copies = new StringBuilder();
        for (Device device : recipients) {
            if (!copies.isEmpty()) {
                copies.append(',');
            }
            copies.append("{\"userId\":\"")
                    .append(device.userId())
                    .append("\",\"deviceId\":")
                    .append(device.deviceId())
                    .append(",\"registrationId\":")
                    .append(device.registrationId())
                    .append(",\"type\":3,\"content\":\"")
                    .append(content)
                    .append("\"}");
        }
        return "{\"destination\":\"" + recipients[0].userId() + "\",\"idempotencyKey\":\"" + UUID.randomUUID()
                + "\",\"messages\":[" + copies + "]}";
    }

    /** The last response of {@code request} once it has {@code status}, or after the change should have been heard. */
    private static Response eventually(int status, Supplier<Response> request) throws InterruptedException {
        long deadline = System.currentTimeMillis() + HEARD_WITHIN_MILLIS;
        Response response = request.get();
        while (response.status() != status && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            response = request.get();
        }
        return response;
    }

    /** alice and bob's only device; node 0 has accepted a send from alice to it, and so cached bob's list. */
    private record Sent(Device alice, Device bob1) {}

    private static Sent sendAcceptedOnNode0(int registrationIds) {
        Device alice = node0.register(GatewayApp.unique("alice"), registrationIds);
        Device bob1 = node0.register(GatewayApp.unique("bob"), registrationIds + 1);
        Response sent = node0.post("/api/v1/messages/send/" + alice.userId(), alice.authorization(), sendTo(bob1));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        return new Sent(alice, bob1);
    }

    /** Node 0 refuses, at once or after the change is heard, a send from alice that leaves out {@code missing}. */
    private static void assertRefusedWithout(Sent sent, Device missing) throws InterruptedException {
        Response withoutNew = eventually(
                409,
                () -> node0.post(
                        "/api/v1/messages/send/" + sent.alice().userId(),
                        sent.alice().authorization(),
                        sendTo(sent.bob1())));
        assertThat(withoutNew.status()).as(withoutNew.body()).isEqualTo(409);
        assertThat(withoutNew.body()).contains("\"missingDevices\":[" + missing.deviceId() + "]");
    }

    @Test
    void aSendLeavingOutADeviceRegisteredOnAnotherNodeIsRefused() throws InterruptedException {
        // given: node 0 has checked a send to bob's only device (and cached his list)
        Sent sent = sendAcceptedOnNode0(11);

        // when: bob registers a second device through node 1
        Device bob2 = node1.register(sent.bob1().userId(), 13);

        // then: node 0 refuses a send without it, and accepts one with it
        assertRefusedWithout(sent, bob2);
        Response withNew = node0.post(
                "/api/v1/messages/send/" + sent.alice().userId(),
                sent.alice().authorization(),
                sendTo(sent.bob1(), bob2));
        assertThat(withNew.status()).as(withNew.body()).isEqualTo(201);
    }

    @Test
    void aDeviceRemovedOnAnotherNodeIsRefusedItsCredentials() throws InterruptedException {
        // given: bob's second device has authenticated on node 0 (its credential is cached there)
        String bob = GatewayApp.unique("bob");
        Device bob1 = node0.register(bob, 31);
        Device bob2 = node0.register(bob, 32);
        assertThat(node0.get("/api/v1/keys/devices/" + bob, bob2.authorization())
                        .status())
                .isEqualTo(200);

        // when: bob removes it through node 1
        Response removed = node1.delete("/api/v1/keys/deactivate/" + bob + "/" + bob2.deviceId(), bob1.authorization());
        assertThat(removed.status()).as(removed.body()).isEqualTo(204);

        // then: node 0 refuses the removed device at once, and still serves the other one
        Response asRemoved = eventually(401, () -> node0.get("/api/v1/keys/devices/" + bob, bob2.authorization()));
        assertThat(asRemoved.status()).isEqualTo(401);
        assertThat(node0.get("/api/v1/keys/devices/" + bob, bob1.authorization())
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aChangeMissedWhileANodeWasCutOffFromRedisIsNotServedFromItsCache() throws Exception {
        // given: node 0 has cached bob's device list
        Sent sent = sendAcceptedOnNode0(41);

        // when: every node's subscription is cut, and bob registers a device while node 0 may not hear it
        killPubSubConnections();
        Device bob2 = node1.register(sent.bob1().userId(), 43);

        // then: node 0 does not take bob's list from its cache (it re-reads while unsubscribed, and empties its
        // cache once subscribed again)
        assertRefusedWithout(sent, bob2);
    }

    private static void killPubSubConnections() throws Exception {
        URI uri = URI.create(redisUrl);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379)) {
            socket.getOutputStream().write("CLIENT KILL TYPE pubsub\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertThat(reply).as("CLIENT KILL reply").startsWith(":");
        }
    }
}
