package io.socialink.client.socket;

import io.socialink.client.api.JsonTimestamps;
import io.socialink.client.api.OutgoingCopy;
import io.socialink.client.api.ProblemException;
import io.socialink.client.api.ProblemParser;
import io.socialink.client.api.SendBody;
import io.socialink.client.api.SendResult;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One device's live WebSocket {@code /ws/{userId}/{deviceId}}, authenticated with Basic credentials at the
 * upgrade, that connects again by itself when its connection is lost (a gateway crash, a network error, any close
 * the server did not mean as final) with the jittered exponential backoff of its {@link ReconnectPolicy}. The
 * server re-drains the device's queue on every connect, and one {@link SeenMessageIds} spans all connections, so
 * envelopes reach the {@link DeviceSocketListener} in order, at most once per messageId within that window, across
 * reconnects. Each is acked only after the listener returned (acks are coalesced while one is being written).
 * It does not reconnect after 4409 (replaced by a newer socket of the device), 4410 (device removed), an upgrade
 * refused with 401/403, {@link #close()}, or when the listener throws: then that envelope and all later ones stay
 * unacked and the socket closes itself ({@link CloseStatus#LISTENER_FAILED}), so a new socket receives them again
 * in order. {@link #closed()} completes only when the socket stopped for good; lost connections are reported to
 * the listener's {@link ReconnectListener} callbacks. Thread-safe.
 */
public final class DeviceSocket implements AutoCloseable {

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** How long a send waits for its result before it fails with a timeout (then retry with the same key). */
    public static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private static final ProblemParser PROBLEMS =
            new ProblemParser(JsonMapper.builder().build());
    private static final int MAX_ACK_BATCH = 256;
    /**
     * The largest incoming text frame, in chars, that is handled (8 Mi chars, so at least 4 MiB): a 2 MiB MLS commit
     * bundle's Welcome in base64 JSON fits with room to spare. The JDK client itself sets no limit and hands frames
     * over in parts; a larger frame is skipped (not acked) and reported to {@link DeviceSocketListener#onError}.
     */
    public static final int MAX_INCOMING_FRAME_CHARS = 8 * 1024 * 1024;

    private final HttpClient http;
    private final URI uri;
    private final DeviceCredentials device;
    private final DeviceSocketListener listener;
    private final SeenMessageIds seen;
    private final ReconnectPolicy policy;
    private final FrameParser parser = new FrameParser();
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private final CompletableFuture<Void> queueEmpty = new CompletableFuture<>();
    private final AtomicInteger reconnects = new AtomicInteger();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicLong retiredDelivered = new AtomicLong();
    private final AtomicLong retiredDuplicates = new AtomicLong();
    private final Object state = new Object();
    /** The open connection; null while reconnecting. Guarded by {@link #state}. */
    private @Nullable Connection current;
    /** Set by {@link #close()}: nothing connects any more. Guarded by {@link #state}. */
    private boolean closing;

    private DeviceSocket(
            HttpClient http,
            URI uri,
            DeviceCredentials device,
            DeviceSocketListener listener,
            SeenMessageIds seen,
            ReconnectPolicy policy) {
        this.http = http;
        this.uri = uri;
        this.device = device;
        this.listener = listener;
        this.seen = seen;
        this.policy = policy;
    }

    /**
     * Connects with the {@link ReconnectPolicy#DEFAULT} policy and waits for the upgrade; a refused upgrade (401,
     * 403) becomes a {@link ProblemException}. Only this first connect fails to the caller; later ones are retried.
     */
    public static DeviceSocket connect(
            SocialinkClient client, DeviceCredentials device, DeviceSocketListener listener) {
        return connect(client, device, listener, new SeenMessageIds());
    }

    public static DeviceSocket connect(
            SocialinkClient client, DeviceCredentials device, DeviceSocketListener listener, SeenMessageIds seen) {
        return connect(client, device, listener, seen, ReconnectPolicy.DEFAULT);
    }

    public static DeviceSocket connect(
            SocialinkClient client,
            DeviceCredentials device,
            DeviceSocketListener listener,
            SeenMessageIds seen,
            ReconnectPolicy policy) {
        URI uri = client.webSocketUri(device);
        CompletableFuture<DeviceSocket> connecting =
                connectAsync(client.httpClient(), uri, device, listener, seen, policy);
        try {
            return connecting.get(CONNECT_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            connecting.cancel(true);
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted while connecting"));
        } catch (TimeoutException e) {
            connecting.cancel(true);
            throw new UncheckedIOException(new IOException("WebSocket " + uri + " connect timed out", e));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            IOException io = cause instanceof IOException ioException ? ioException : new IOException(cause);
            throw new UncheckedIOException(
                    "WebSocket " + uri + " failed: " + io.getClass().getSimpleName()
                            + (io.getMessage() == null ? "" : " " + io.getMessage()),
                    io);
        }
    }

    /**
     * Connects asynchronously with the {@link ReconnectPolicy#DEFAULT} policy; completes exceptionally with a
     * {@link ProblemException} when the upgrade is refused, with an {@link IOException} when the server cannot be
     * reached.
     */
    public static CompletableFuture<DeviceSocket> connectAsync(
            HttpClient http, URI uri, DeviceCredentials device, DeviceSocketListener listener, SeenMessageIds seen) {
        return connectAsync(http, uri, device, listener, seen, ReconnectPolicy.DEFAULT);
    }

    public static CompletableFuture<DeviceSocket> connectAsync(
            HttpClient http,
            URI uri,
            DeviceCredentials device,
            DeviceSocketListener listener,
            SeenMessageIds seen,
            ReconnectPolicy policy) {
        DeviceSocket socket = new DeviceSocket(http, uri, device, listener, seen, policy);
        return socket.open(0).thenApply(connection -> socket);
    }

    public DeviceCredentials device() {
        return device;
    }

    /**
     * Completes when the server first said the queue waiting at connect time has been delivered, on whichever
     * connection of this socket.
     */
    public CompletableFuture<Void> queueEmpty() {
        return queueEmpty;
    }

    /** Waits for {@code queue-empty}; false on timeout. */
    public boolean awaitQueueEmpty(Duration timeout) throws InterruptedException {
        try {
            queueEmpty.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Sends a ping on the current connection; completes when the matching pong arrives, exceptionally if that
     * connection ends first or none is open (while reconnecting).
     */
    public CompletableFuture<Void> ping() {
        Connection connection = currentConnection();
        if (connection == null) {
            return CompletableFuture.failedFuture(new IOException("not connected"));
        }
        return connection.ping();
    }

    /**
     * Sends a message over the current connection as a {@code send} frame: the REST send's rules and answers, so
     * it completes with the {@link SendResult} or exceptionally with the {@link ProblemException} the REST send would
     * have answered (409 device-mismatch with its lists, 429 with retryAfter, ...), or with an {@link IOException}
     * when the connection ended before the result came (or none is open): then retry with the same idempotencyKey.
     * A socket's sends are produced in the order they were written.
     */
    public CompletableFuture<SendResult> send(
            String destination, String idempotencyKey, List<OutgoingCopy> copies, @Nullable Duration expiresIn) {
        Connection connection = currentConnection();
        if (connection == null) {
            return CompletableFuture.failedFuture(new IOException("not connected"));
        }
        return connection.send(SendBody.of(destination, idempotencyKey, copies, expiresIn));
    }

    /**
     * Follows the presence of {@code userIds} (at most 1,000; replaces the list sent before, on this connection): the
     * server answers a {@code presence-snapshot} event, then a {@code presence} event per change. A reconnect starts
     * without a subscription: send it again then.
     */
    public CompletableFuture<Void> subscribePresence(List<String> userIds) {
        Connection connection = currentConnection();
        if (connection == null) {
            return CompletableFuture.failedFuture(new IOException("not connected"));
        }
        return connection.sendText(parser.presenceSubscribe(userIds));
    }

    /** The user started ({@code true}) or stopped typing in {@code conversationId} (a groupId or {@code a~b}). */
    public CompletableFuture<Void> typing(String conversationId, boolean typing) {
        Connection connection = currentConnection();
        if (connection == null) {
            return CompletableFuture.failedFuture(new IOException("not connected"));
        }
        return connection.sendText(parser.typing(conversationId, typing));
    }

    /**
     * Completes once, when the socket stopped for good, with the close code: 4409 when replaced by a newer socket,
     * 4410 when the device was removed, {@link CloseStatus#RECONNECT_FAILED} when reconnecting was given up.
     */
    public CompletableFuture<CloseStatus> closed() {
        return closed;
    }

    /** True until the socket stopped for good (also while it is reconnecting). */
    public boolean isOpen() {
        return !closed.isDone();
    }

    /** True while a connection is open (false while reconnecting). */
    public boolean isConnected() {
        return currentConnection() != null;
    }

    /** How many times this socket connected again after losing its connection. */
    public int reconnects() {
        return reconnects.get();
    }

    /** Envelopes handed to the listener and acked, over all connections. */
    public long delivered() {
        Connection connection = currentConnection();
        return retiredDelivered.get() + (connection == null ? 0 : connection.dispatcher.delivered());
    }

    /** Envelopes dropped because their messageId had been delivered already, over all connections. */
    public long duplicatesDropped() {
        Connection connection = currentConnection();
        return retiredDuplicates.get() + (connection == null ? 0 : connection.dispatcher.duplicates());
    }

    /**
     * Stops reconnecting and delivering envelopes (those still arriving stay unacked and come again on the next
     * connect), writes the outstanding acks, closes normally and waits briefly for the server's close; then aborts.
     * Call it from another thread than the listener's.
     */
    @Override
    public void close() {
        Connection connection;
        synchronized (state) {
            if (finished.get() || closing) {
                return;
            }
            closing = true;
            connection = current;
        }
        if (connection == null) {
            // between two connections: the pending attempt sees closing and gives up
            finish(new CloseStatus(CloseStatus.NORMAL, "closed by client"));
            return;
        }
        connection.closeNormally();
    }

    private @Nullable Connection currentConnection() {
        synchronized (state) {
            return current;
        }
    }

    private CompletableFuture<Connection> open(int attempt) {
        Connection connection = new Connection(attempt);
        return http.newWebSocketBuilder()
                .header("Authorization", device.basicAuthorization())
                .connectTimeout(CONNECT_TIMEOUT)
                .buildAsync(uri, connection)
                .handle((webSocket, error) -> {
                    if (error != null) {
                        throw new CompletionException(upgradeFailure(error));
                    }
                    return connection;
                });
    }

    /** Decides, when a connection ended, whether the socket stops or connects again. */
    private void connectionEnded(Connection connection, CloseStatus status) {
        boolean stop;
        synchronized (state) {
            if (current != connection) {
                return;
            }
            current = null;
            if (finished.get()) {
                return;
            }
            stop = closing || !policy.reconnectsAfter(status);
        }
        if (stop) {
            finish(status);
            return;
        }
        listener.onDisconnected(status);
        scheduleReconnect(1, status);
    }

    private void scheduleReconnect(int attempt, CloseStatus lost) {
        if (!policy.allows(attempt)) {
            finish(new CloseStatus(
                    CloseStatus.RECONNECT_FAILED,
                    "gave up after " + (attempt - 1) + " attempts; connection lost with " + lost.code() + " "
                            + lost.reason()));
            return;
        }
        Duration delay = policy.delay(attempt);
        listener.onReconnecting(attempt, delay);
        CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> reconnect(attempt, lost));
    }

    private void reconnect(int attempt, CloseStatus lost) {
        synchronized (state) {
            if (closing || finished.get()) {
                return;
            }
        }
        open(attempt).whenComplete((connection, error) -> {
            if (error == null) {
                // the connection took over in onOpen
                return;
            }
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof ProblemException problem && (problem.status() == 401 || problem.status() == 403)) {
                // the credentials stopped working (a removed device): connecting again cannot help
                listener.onError(problem);
                finish(new CloseStatus(CloseStatus.RECONNECT_FAILED, "reconnect refused: HTTP " + problem.status()));
                return;
            }
            synchronized (state) {
                if (closing || finished.get()) {
                    return;
                }
            }
            scheduleReconnect(attempt + 1, lost);
        });
    }

    private void finish(CloseStatus status) {
        // the listener hears of the end before closed() completes, so whoever waits on closed() sees it told
        if (finished.compareAndSet(false, true)) {
            try {
                listener.onClose(status);
            } finally {
                closed.complete(status);
            }
        }
    }

    private static SendResult sendResult(ServerFrame.SendResult result) {
        JsonNode frame = result.frame();
        if (result.status() == 201) {
            return new SendResult(
                    UUID.fromString(frame.path("messageId").asString()),
                    JsonTimestamps.read(frame.get("sentAt")),
                    frame.path("deviceCount").asInt());
        }
        JsonNode problem = frame.path("problem");
        throw PROBLEMS.parse(
                result.status(), problem.isObject() ? problem.toString().getBytes(StandardCharsets.UTF_8) : null);
    }

    private static Throwable upgradeFailure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof WebSocketHandshakeException handshake) {
            int status = handshake.getResponse().statusCode();
            String title = status == 401 ? "Unauthorized" : status == 403 ? "Forbidden" : "WebSocket upgrade refused";
            return new ProblemException(status, null, title, "WebSocket upgrade answered HTTP " + status);
        }
        return cause;
    }

    /**
     * One WebSocket connection of the socket: its frames, acks and pings. The JDK listener callbacks arrive one at a
     * time, and a connection's frames are handled only once it became the socket's current one.
     */
    private final class Connection implements WebSocket.Listener {

        private final int attempt;
        private final FrameDispatcher dispatcher;
        private final AckBatcher acks;
        private final Object sendLock = new Object();
        private final StringBuilder partial = new StringBuilder();
        private final CompletableFuture<CloseStatus> ended = new CompletableFuture<>();
        private CompletableFuture<Void> lastSend = CompletableFuture.completedFuture(null);
        private volatile @Nullable WebSocket webSocket;
        private boolean oversized;

        Connection(int attempt) {
            this.attempt = attempt;
            this.acks = new AckBatcher(ids -> sendText(parser.ack(ids)), MAX_ACK_BATCH);
            this.dispatcher = new FrameDispatcher(parser, listener, seen, acks::ack, this::closeAfterListenerFailure);
            dispatcher.queueEmpty().thenRun(() -> queueEmpty.complete(null));
        }

        @Override
        public void onOpen(WebSocket socket) {
            webSocket = socket;
            synchronized (state) {
                if (closing || finished.get()) {
                    socket.abort();
                    return;
                }
                current = this;
            }
            if (attempt > 0) {
                reconnects.incrementAndGet();
                listener.onReconnected(attempt);
            }
            scheduleKeepAlive();
            socket.request(1);
        }

        private void scheduleKeepAlive() {
            CompletableFuture.delayedExecutor(policy.keepAlive().toMillis(), TimeUnit.MILLISECONDS)
                    .execute(this::keepAlive);
        }

        /** A pong that does not come in time means the connection is gone, whether or not its end was reported. */
        private void keepAlive() {
            if (ended.isDone()) {
                return;
            }
            ping().orTimeout(policy.keepAlive().toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((pong, error) -> {
                        if (ended.isDone()) {
                            return;
                        }
                        if (error == null) {
                            scheduleKeepAlive();
                            return;
                        }
                        WebSocket socket = webSocket;
                        if (socket != null) {
                            socket.abort();
                        }
                        end(new CloseStatus(
                                CloseStatus.ABNORMAL,
                                "no pong within " + policy.keepAlive().toMillis() + " ms"));
                    });
        }

        @Override
        public @Nullable CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            if (oversized || partial.length() + data.length() > MAX_INCOMING_FRAME_CHARS) {
                partial.setLength(0);
                oversized = !last;
                if (last) {
                    listener.onError(new MalformedFrameException(
                            "frame larger than " + MAX_INCOMING_FRAME_CHARS + " chars skipped"));
                }
            } else if (!last) {
                partial.append(data);
            } else if (partial.length() == 0) {
                dispatcher.onText(data.toString());
            } else {
                partial.append(data);
                String text = partial.toString();
                partial.setLength(0);
                dispatcher.onText(text);
            }
            socket.request(1);
            return null;
        }

        @Override
        public @Nullable CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            end(new CloseStatus(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            listener.onError(error);
            end(new CloseStatus(CloseStatus.ABNORMAL, String.valueOf(error.getMessage())));
        }

        CompletableFuture<SendResult> send(ObjectNode body) {
            String requestId = UUID.randomUUID().toString();
            CompletableFuture<ServerFrame.SendResult> result = dispatcher.expectSendResult(requestId);
            sendText(parser.send(requestId, body)).whenComplete((ignored, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                }
            });
            return result.orTimeout(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(DeviceSocket::sendResult);
        }

        CompletableFuture<Void> ping() {
            String id = UUID.randomUUID().toString();
            CompletableFuture<Void> pong = dispatcher.expectPong(id);
            sendText(parser.ping(id)).whenComplete((ignored, error) -> {
                if (error != null) {
                    pong.completeExceptionally(error);
                }
            });
            return pong;
        }

        /** The user's close: the acks handed over so far are written first. */
        void closeNormally() {
            // only the current connection is closed, and it became current in onOpen, after webSocket was set
            WebSocket socket = Objects.requireNonNull(webSocket, "webSocket");
            dispatcher.stop();
            try {
                acks.idle().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                chain(() -> socket.sendClose(CloseStatus.NORMAL, "bye"));
                closed.get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // the close handshake did not finish; the abort below releases the connection anyway
            } finally {
                if (!finished.get()) {
                    socket.abort();
                    end(new CloseStatus(CloseStatus.NORMAL, "closed by client"));
                    finish(new CloseStatus(CloseStatus.NORMAL, "closed by client"));
                }
            }
        }

        /** The envelopes after the failed one must come again, in order, to a new socket: this one is done. */
        private void closeAfterListenerFailure() {
            WebSocket socket = webSocket;
            CloseStatus status = new CloseStatus(CloseStatus.LISTENER_FAILED, "the listener failed on an envelope");
            if (socket != null) {
                acks.idle().thenRun(() -> chain(() -> socket.sendClose(status.code(), status.reason())));
            }
            finish(status);
        }

        private void end(CloseStatus status) {
            if (ended.complete(status)) {
                dispatcher.stop();
                dispatcher.failPending(new IOException("connection closed: " + status.code() + " " + status.reason()));
                retiredDelivered.addAndGet(dispatcher.delivered());
                retiredDuplicates.addAndGet(dispatcher.duplicates());
                connectionEnded(this, status);
            }
        }

        CompletableFuture<Void> sendText(String text) {
            WebSocket socket = webSocket;
            if (socket == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("socket not open yet"));
            }
            return chain(() -> socket.sendText(text, true));
        }

        /** The JDK WebSocket allows one outstanding send, so every frame waits for the previous one. */
        private CompletableFuture<Void> chain(Supplier<CompletableFuture<WebSocket>> send) {
            synchronized (sendLock) {
                CompletableFuture<Void> next = lastSend.handle((ignored, error) -> null)
                        .thenCompose(ignored -> send.get())
                        .thenApply(ignored -> null);
                lastSend = next;
                return next;
            }
        }
    }
}
