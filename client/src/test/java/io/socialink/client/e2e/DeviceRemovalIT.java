package io.socialink.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.socket.DeviceSocket;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Removing a device whose socket is on another gateway node than the one that handles the removal: the real
 * delivery-worker tells the node holding the socket, which closes it with 4410 ("removed"), not 4409 ("replaced").
 */
@ExtendWith(SharedLocalSystem.class)
class DeviceRemovalIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static LocalSystem system;
    private static AppProcess secondNode;

    @BeforeAll
    static void startSecondNode(LocalSystem shared, KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) {
        system = shared;
        secondNode = system.secondGatewayNode(kafka, postgres, redis).start();
    }

    @AfterAll
    static void stopSecondNode() throws Exception {
        if (secondNode != null) {
            secondNode.close();
        }
    }

    @Test
    void shouldCloseTheSocketOfADeviceRemovedThroughAnotherNodeWith4410() throws Exception {
        // given bob's laptop connected to node 1, its route known to the worker (its queue-empty frame came)
        SocialinkClient nodeZero = system.client();
        SocialinkClient nodeOne = new SocialinkClient(secondNode.baseUri());
        String bob = "bob-" + UUID.randomUUID().toString().substring(0, 8);
        DeviceCredentials phone = nodeZero.register(bob);
        DeviceCredentials laptop = nodeZero.register(bob);
        Inbox inbox = new Inbox();
        DeviceSocket socket = DeviceSocket.connect(nodeOne, laptop, inbox);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (inbox.queueEmptyFrames() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }

        // when the phone removes the laptop through node 0
        nodeZero.deactivate(phone, laptop.deviceId());

        // then
        assertThat(inbox.queueEmptyFrames()).isEqualTo(1);
        assertThat(socket.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                .isEqualTo(4410);
    }
}
