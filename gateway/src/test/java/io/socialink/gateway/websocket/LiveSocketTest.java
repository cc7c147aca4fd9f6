package io.socialink.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.auth.DeviceAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The outbound buffer's bound: a socket whose writer falls a whole buffer behind is closed as too slow (1013). */
class LiveSocketTest {

    private static final int CAPACITY = 16;

    private final ClosingSession session = new ClosingSession();
    private final LiveSocket socket = new LiveSocket(DeviceAddress.parse("bob.1"), "connection-1", session, CAPACITY);
    private final Writer writer = new Writer();

    @BeforeEach
    void subscribeTheWriter() {
        socket.frames().subscribe(writer);
    }

    @Test
    void shouldKeepFramesInOrderUpToItsCapacityAndCloseAsTooSlowOnTheNext() {
        // given a socket whose writer has taken nothing yet
        // when one frame more than the buffer holds is offered
        List<Boolean> accepted = new ArrayList<>();
        for (int i = 0; i <= CAPACITY; i++) {
            accepted.add(socket.offer("frame-" + i));
        }

        // then the first CAPACITY waited, the next was refused and closed the socket with 1013, and it takes no more
        assertThat(accepted.subList(0, CAPACITY)).containsOnly(true);
        assertThat(accepted.get(CAPACITY)).isFalse();
        assertThat(session.closedWith).containsExactly(LiveSocket.TOO_SLOW);
        assertThat(socket.offer("after the close")).isFalse();
        writer.take(CAPACITY + 1);
        assertThat(writer.frames).hasSize(CAPACITY).first().isEqualTo("frame-0");
        assertThat(writer.frames).last().isEqualTo("frame-" + (CAPACITY - 1));
    }

    @Test
    void shouldMakeRoomAsTheWriterTakesFrames() {
        // given a full buffer
        for (int i = 0; i < CAPACITY; i++) {
            assertThat(socket.offer("frame-" + i)).isTrue();
        }
        assertThat(socket.backlog()).isEqualTo(CAPACITY);

        // when the writer takes half of them
        writer.take(CAPACITY / 2);

        // then as many new frames fit again, the socket stays open, and they come after the others
        assertThat(socket.backlog()).isEqualTo(CAPACITY / 2);
        for (int i = CAPACITY; i < CAPACITY + CAPACITY / 2; i++) {
            assertThat(socket.offer("frame-" + i)).isTrue();
        }
        assertThat(session.closedWith).isEmpty();
        writer.take(CAPACITY);
        assertThat(writer.frames).hasSize(CAPACITY + CAPACITY / 2).endsWith("frame-" + (CAPACITY + CAPACITY / 2 - 1));
    }

    /** The socket's writer, taking frames only when told. */
    private static final class Writer extends BaseSubscriber<String> {
        final List<String> frames = new ArrayList<>();

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            // nothing requested until take()
        }

        @Override
        protected void hookOnNext(String frame) {
            frames.add(frame);
        }

        void take(int count) {
            request(count);
        }
    }

    /**
     * Records the close codes. A {@link LiveSocket} only closes its session (the handler does the rest), so the other
     * methods refuse: a call to one would be a change of what the socket does, and fail these tests.
     */
    private static final class ClosingSession implements WebSocketSession {
        final List<CloseStatus> closedWith = new ArrayList<>();

        @Override
        public Mono<Void> close(CloseStatus status) {
            return Mono.fromRunnable(() -> closedWith.add(status));
        }

        @Override
        public String getId() {
            return "session-1";
        }

        @Override
        public HandshakeInfo getHandshakeInfo() {
            throw new UnsupportedOperationException();
        }

        @Override
        public DataBufferFactory bufferFactory() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, Object> getAttributes() {
            return Map.of();
        }

        @Override
        public Flux<WebSocketMessage> receive() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Mono<Void> send(Publisher<WebSocketMessage> messages) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isOpen() {
            return closedWith.isEmpty();
        }

        @Override
        public Mono<CloseStatus> closeStatus() {
            return Mono.never();
        }

        @Override
        public WebSocketMessage textMessage(String payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public WebSocketMessage binaryMessage(Function<DataBufferFactory, DataBuffer> payloadFactory) {
            throw new UnsupportedOperationException();
        }

        @Override
        public WebSocketMessage pingMessage(Function<DataBufferFactory, DataBuffer> payloadFactory) {
            throw new UnsupportedOperationException();
        }

        @Override
        public WebSocketMessage pongMessage(Function<DataBufferFactory, DataBuffer> payloadFactory) {
            throw new UnsupportedOperationException();
        }
    }
}
