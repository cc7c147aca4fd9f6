package io.socialink.client.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceSocketReconnectTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ReconnectPolicy FAST = new ReconnectPolicy(
            Duration.ofMillis(20), Duration.ofMillis(200), Integer.MAX_VALUE, Duration.ofMillis(300));

    private final LocalSocketServer server = new LocalSocketServer().start();
    private final SocialinkClient client = new SocialinkClient(server.baseUri());
    private final DeviceCredentials bob = new DeviceCredentials("bob", 1, "secret", 42);
    private final Recorder recorder = new Recorder();

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void shouldReconnectAfterTheServerCrashedAndReceiveWhatWaitedMeanwhile() throws Exception {
        // given a listening socket that got the first message
        server.enqueue("m1");
        try (DeviceSocket socket = DeviceSocket.connect(client, bob, recorder, new SeenMessageIds(), FAST)) {
            recorder.await(1);

            // when the server crashes, a message is queued while it is down, and it comes back
            server.crash();
            server.enqueue("m2");
            awaitTrue(() -> !recorder.reconnecting.isEmpty());
            server.start();
            recorder.await(2);
            server.enqueue("m3");

            // then the same socket reconnected by itself, said so, and received everything once, in order
            assertThat(recorder.await(3)).containsExactly("m1", "m2", "m3");
            assertThat(socket.reconnects()).isEqualTo(1);
            assertThat(socket.isOpen()).isTrue();
            assertThat(recorder.disconnected).hasSize(1);
            assertThat(recorder.reconnected)
                    .containsExactly(recorder.reconnecting.get(recorder.reconnecting.size() - 1));
            assertThat(recorder.closes).isEmpty();
            awaitTrue(() -> server.unacked() == 0);
        }
    }

    @Test
    void shouldDropWhatTheServerPushesAgainAfterAReconnect() throws Exception {
        // given a socket that received m1 but whose ack the crash may have lost
        server.enqueue("m1");
        try (DeviceSocket socket = DeviceSocket.connect(client, bob, recorder, new SeenMessageIds(), FAST)) {
            recorder.await(1);
            server.crash();
            server.enqueue("m2");

            // when the server comes back and drains its queue again
            server.start();

            // then each message reached the listener once
            assertThat(recorder.await(2)).containsExactly("m1", "m2");
            awaitTrue(() -> socket.reconnects() == 1);
            assertThat(recorder.texts).containsExactly("m1", "m2");
        }
    }

    @Test
    void shouldReconnectWhenTheServerGoesSilentWithoutClosing() throws Exception {
        // given a listening socket that got the first message
        server.enqueue("m1");
        try (DeviceSocket socket = DeviceSocket.connect(client, bob, recorder, new SeenMessageIds(), FAST)) {
            recorder.await(1);

            // when the server stops answering (no pong, no FIN) and a message is queued meanwhile
            server.mute();
            server.enqueue("m2");

            // then the missing pong ends the connection and the socket connects again and gets the message
            assertThat(recorder.await(2)).containsExactly("m1", "m2");
            assertThat(recorder.disconnected).extracting(CloseStatus::code).containsExactly(CloseStatus.ABNORMAL);
            assertThat(recorder.disconnected.get(0).reason()).startsWith("no pong within 300 ms");
            awaitTrue(() -> socket.reconnects() == 1);
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    @Test
    void shouldKeepAConnectionWhoseServerAnswersPings() throws Exception {
        // given a connected socket whose server answers pings
        DeviceSocket socket = DeviceSocket.connect(client, bob, recorder, new SeenMessageIds(), FAST);
        assertThat(socket.awaitQueueEmpty(WAIT)).isTrue();

        // when it stays idle for several keep-alive intervals
        Thread.sleep(FAST.keepAlive().toMillis() * 6);

        // then it is still the first connection
        assertThat(recorder.disconnected).isEmpty();
        assertThat(server.connections()).isEqualTo(1);
        socket.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {CloseStatus.REPLACED, CloseStatus.DEVICE_REMOVED})
    void shouldNotReconnectAfterAFinalCloseOfTheServer(int code) throws Exception {
        // given a connected socket
        DeviceSocket socket = DeviceSocket.connect(client, bob, recorder, new SeenMessageIds(), FAST);
        assertThat(socket.awaitQueueEmpty(WAIT)).isTrue();

        // when the server closes it as replaced or removed
        server.closeWith(code, "final");

        // then the socket stops for good and never connects again
        assertThat(socket.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                .isEqualTo(code);
        Thread.sleep(FAST.maxDelay().toMillis() * 3);
        assertThat(server.connections()).isEqualTo(1);
        assertThat(recorder.reconnecting).isEmpty();
        assertThat(recorder.closes).extracting(CloseStatus::code).containsExactly(code);
    }

    @Test
    void shouldNotReconnectAfterTheUserClosedIt() throws Exception {
        // given a connected socket
        DeviceSocket socket = DeviceSocket.connect(client, bob, recorder, new SeenMessageIds(), FAST);
        assertThat(socket.awaitQueueEmpty(WAIT)).isTrue();

        // when the user closes it
        socket.close();

        // then it stays closed
        Thread.sleep(FAST.maxDelay().toMillis() * 3);
        assertThat(server.connections()).isEqualTo(1);
        assertThat(socket.closed()).isCompletedWithValueMatching(status -> status.code() == CloseStatus.NORMAL);
        assertThat(recorder.reconnecting).isEmpty();
    }

    @Test
    void shouldStopReconnectingWhenTheUserClosesItDuringAnOutage() throws Exception {
        // given a socket reconnecting to a crashed server
        DeviceSocket socket = DeviceSocket.connect(client, bob, recorder, new SeenMessageIds(), FAST);
        assertThat(socket.awaitQueueEmpty(WAIT)).isTrue();
        server.crash();
        awaitTrue(() -> recorder.reconnecting.size() >= 2);

        // when the user closes it and the server comes back
        socket.close();
        server.start();

        // then it does not connect again
        Thread.sleep(FAST.maxDelay().toMillis() * 3);
        assertThat(server.connections()).isEqualTo(1);
        assertThat(socket.closed()).isCompleted();
    }

    @Test
    void shouldGiveUpAfterTheLastAttemptOfItsPolicy() throws Exception {
        // given a socket allowed three attempts
        ReconnectPolicy threeAttempts = new ReconnectPolicy(Duration.ofMillis(10), Duration.ofMillis(40), 3);
        DeviceSocket socket = DeviceSocket.connect(client, bob, recorder, new SeenMessageIds(), threeAttempts);
        assertThat(socket.awaitQueueEmpty(WAIT)).isTrue();

        // when the server stays down
        server.crash();

        // then it tried three times with growing, bounded delays and then stopped for good
        CloseStatus status = socket.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(status.code()).isEqualTo(CloseStatus.RECONNECT_FAILED);
        assertThat(recorder.reconnecting).containsExactly(1, 2, 3);
        assertThat(recorder.closes).extracting(CloseStatus::code).containsExactly(CloseStatus.RECONNECT_FAILED);
    }

    @Test
    void shouldNotReconnectWithThePolicyNone() throws Exception {
        // given a socket that must not reconnect
        DeviceSocket socket = DeviceSocket.connect(client, bob, recorder, new SeenMessageIds(), ReconnectPolicy.NONE);
        assertThat(socket.awaitQueueEmpty(WAIT)).isTrue();

        // when its connection is lost
        server.crash();

        // then it ended with the lost connection's status
        assertThat(socket.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS).code())
                .isNotEqualTo(CloseStatus.RECONNECT_FAILED);
        assertThat(recorder.reconnecting).isEmpty();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition met in time").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** What the listener was told, in order. */
    private static final class Recorder implements DeviceSocketListener {

        final List<String> texts = new CopyOnWriteArrayList<>();
        final List<CloseStatus> disconnected = new CopyOnWriteArrayList<>();
        final List<Integer> reconnecting = new CopyOnWriteArrayList<>();
        final List<Integer> reconnected = new CopyOnWriteArrayList<>();
        final List<CloseStatus> closes = new CopyOnWriteArrayList<>();

        @Override
        public void onEnvelope(Envelope envelope) {
            texts.add(new String(envelope.content(), StandardCharsets.UTF_8));
        }

        @Override
        public void onDisconnected(CloseStatus status) {
            disconnected.add(status);
        }

        @Override
        public void onReconnecting(int attempt, Duration delay) {
            assertThat(delay).isLessThanOrEqualTo(Duration.ofMillis(200));
            reconnecting.add(attempt);
        }

        @Override
        public void onReconnected(int attempt) {
            reconnected.add(attempt);
        }

        @Override
        public void onClose(CloseStatus status) {
            closes.add(status);
        }

        List<String> await(int count) throws InterruptedException {
            awaitTrue(() -> texts.size() >= count);
            return List.copyOf(texts);
        }
    }
}
