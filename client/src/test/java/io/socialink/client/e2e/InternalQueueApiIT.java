package io.socialink.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.socket.Envelope;
import io.socialink.client.socket.ServerFrame;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway's queue API reads the delivery-worker's queue over the worker's internal port with the internal
 * credential; the worker answers nobody else there, and serves no queue on its public port.
 */
@ExtendWith(SharedLocalSystem.class)
class InternalQueueApiIT {

    /** The development credential the apps accept under the local profile, as the harness runs them. */
    private static final String DEVELOPMENT_INTERNAL_SECRET = "socialink-local-internal-secret-0123456789abcdef";

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void shouldServeAnOfflineDevicesQueueThroughTheGatewayFromTheWorkersInternalPortOnly(LocalSystem system)
            throws Exception {
        // given bob's only device is offline when alice writes
        SocialinkClient client = system.client();
        DeviceCredentials alice =
                client.register("alice-" + UUID.randomUUID().toString().substring(0, 8));
        DeviceCredentials bob =
                client.register("bob-" + UUID.randomUUID().toString().substring(0, 8));
        byte[] text = "read from the queue API".getBytes(StandardCharsets.UTF_8);
        client.sendToAllDevices(alice, bob.userId(), text);

        // when bob reads his queue through the gateway
        List<ServerFrame> head = awaitQueue(client, bob);
        String path = "/actuator/queues/" + bob.userId() + "." + bob.deviceId();
        int internalAnonymous = status(system.worker.internalUri().resolve(path), null);
        int internalWrong = status(system.worker.internalUri().resolve(path), "not-the-internal-secret-at-all!!");
        int publicPort = status(system.worker.baseUri().resolve(path), DEVELOPMENT_INTERNAL_SECRET);
        int internalRight = status(system.worker.internalUri().resolve(path), DEVELOPMENT_INTERNAL_SECRET);

        // then the gateway got it from the worker, which answers only the internal credential on its internal port
        assertThat(head).singleElement().isInstanceOfSatisfying(Envelope.class, envelope -> assertThat(
                        envelope.senderUserId())
                .isEqualTo(alice.userId()));
        assertThat(internalAnonymous).isEqualTo(401);
        assertThat(internalWrong).isEqualTo(401);
        assertThat(publicPort).isEqualTo(404);
        assertThat(internalRight).isEqualTo(200);
    }

    /** The device's queue head once the worker has queued something (the send is acknowledged before that). */
    private static List<ServerFrame> awaitQueue(SocialinkClient client, DeviceCredentials device)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<ServerFrame> head = client.queue(device, 10);
        while (head.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(250);
            head = client.queue(device, 10);
        }
        return head;
    }

    private static int status(URI uri, String secret) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (secret != null) {
            request.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(("internal:" + secret).getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newHttpClient()
                .send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
