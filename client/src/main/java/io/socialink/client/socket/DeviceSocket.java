package io.socialink.client.socket;

import io.socialink.client.api.ProblemException;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One device's live WebSocket {@code /ws/{userId}/{deviceId}}, authenticated with Basic credentials at the
 * upgrade. Envelopes reach the {@link DeviceSocketListener} in order, at most once per messageId within the
 * {@link SeenMessageIds} window, and each is acked only after the listener returned (acks are coalesced while
 * one is being written). When the listener throws, that envelope and all later ones stay unacked and the socket
 * closes itself ({@link CloseStatus#LISTENER_FAILED}), so a new socket receives them again in order. A socket is
 * not reconnected: when {@link #closed()} completes (4409 = replaced by a
 * newer socket of the device) the caller decides whether to connect again, passing the same
 * {@link SeenMessageIds} to keep dropping re-pushed duplicates. Thread-safe.
 */
public final class DeviceSocket implements AutoCloseable {

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_ACK_BATCH = 256;
    /**
     * The largest incoming text frame, in chars, that is handled (8 Mi chars, so at least 4 MiB): a 2 MiB MLS commit
     * bundle's Welcome in base64 JSON fits with room to spare. The JDK client itself sets no limit and hands frames
     * over in parts; a larger frame is skipped (not acked) and reported to {@link DeviceSocketListener#onError}.
     */
    public static final int MAX_INCOMING_FRAME_CHARS = 8 * 1024 * 1024;

    private final DeviceCredentials device;
    private final DeviceSocketListener listener;
    private final FrameParser parser = new FrameParser();
    private final FrameDispatcher dispatcher;
    private final AckBatcher acks;
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private final Object sendLock = new Object();
    private CompletableFuture<Void> lastSend = CompletableFuture.completedFuture(null);
    private volatile WebSocket webSocket;

    private DeviceSocket(DeviceCredentials device, DeviceSocketListener listener, SeenMessageIds seen) {
        this.device = device;
        this.listener = listener;
        this.acks = new AckBatcher(ids -> sendText(parser.ack(ids)), MAX_ACK_BATCH);
        this.dispatcher = new FrameDispatcher(parser, listener, seen, acks::ack, this::closeAfterListenerFailure);
    }

    /** Connects and waits for the upgrade; a refused upgrade (401, 403) becomes a {@link ProblemException}. */
    public static DeviceSocket connect(SocialinkClient client, DeviceCredentials device,
                                       DeviceSocketListener listener) {
        return connect(client, device, listener, new SeenMessageIds());
    }

    public static DeviceSocket connect(SocialinkClient client, DeviceCredentials device,
                                       DeviceSocketListener listener, SeenMessageIds seen) {
        URI uri = client.webSocketUri(device);
        CompletableFuture<DeviceSocket> connecting = connectAsync(client.httpClient(), uri, device, listener, seen);
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
            throw new UncheckedIOException("WebSocket " + uri + " failed: " + io.getClass().getSimpleName()
                    + (io.getMessage() == null ? "" : " " + io.getMessage()), io);
        }
    }

    /**
     * Connects asynchronously; completes exceptionally with a {@link ProblemException} when the upgrade is
     * refused, with an {@link IOException} when the server cannot be reached.
     */
    public static CompletableFuture<DeviceSocket> connectAsync(HttpClient http, URI uri, DeviceCredentials device,
                                                               DeviceSocketListener listener,
                                                               SeenMessageIds seen) {
        DeviceSocket socket = new DeviceSocket(device, listener, seen);
        return http.newWebSocketBuilder()
                .header("Authorization", device.basicAuthorization())
                .connectTimeout(CONNECT_TIMEOUT)
                .buildAsync(uri, socket.new Receiver())
                .handle((webSocket, error) -> {
                    if (error != null) {
                        throw new CompletionException(upgradeFailure(error));
                    }
                    socket.webSocket = webSocket;
                    return socket;
                });
    }

    public DeviceCredentials device() {
        return device;
    }

    /** Completes when the server said the queue waiting at connect time has been delivered. */
    public CompletableFuture<Void> queueEmpty() {
        return dispatcher.queueEmpty();
    }

    /** Waits for {@code queue-empty}; false on timeout. */
    public boolean awaitQueueEmpty(Duration timeout) throws InterruptedException {
        try {
            dispatcher.queueEmpty().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Sends a ping; completes when the matching pong arrives, exceptionally if the socket ends first. */
    public CompletableFuture<Void> ping() {
        String id = UUID.randomUUID().toString();
        CompletableFuture<Void> pong = dispatcher.expectPong(id);
        sendText(parser.ping(id)).whenComplete((ignored, error) -> {
            if (error != null) {
                pong.completeExceptionally(error);
            }
        });
        return pong;
    }

    /** Completes once, when the socket ended, with the close code (4409 when replaced by a newer socket). */
    public CompletableFuture<CloseStatus> closed() {
        return closed;
    }

    public boolean isOpen() {
        return !closed.isDone();
    }

    /** Envelopes handed to the listener and acked. */
    public long delivered() {
        return dispatcher.delivered();
    }

    /** Envelopes dropped because their messageId had been delivered already. */
    public long duplicatesDropped() {
        return dispatcher.duplicates();
    }

    /**
     * Stops delivering envelopes (those still arriving stay unacked and come again on the next connect), writes
     * the outstanding acks, closes normally and waits briefly for the server's close; then aborts. Call it from
     * another thread than the listener's.
     */
    @Override
    public void close() {
        WebSocket socket = webSocket;
        if (socket == null || closed.isDone()) {
            return;
        }
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
            if (!closed.isDone()) {
                socket.abort();
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

    private CompletableFuture<Void> sendText(String text) {
        WebSocket socket = webSocket;
        if (socket == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("socket not open yet"));
        }
        return chain(() -> socket.sendText(text, true));
    }

    /** The JDK WebSocket allows one outstanding send, so every frame waits for the previous one. */
    private CompletableFuture<Void> chain(java.util.function.Supplier<CompletableFuture<WebSocket>> send) {
        synchronized (sendLock) {
            CompletableFuture<Void> next = lastSend
                    .handle((ignored, error) -> null)
                    .thenCompose(ignored -> send.get())
                    .thenApply(ignored -> null);
            lastSend = next;
            return next;
        }
    }

    private void finish(CloseStatus status) {
        if (closed.complete(status)) {
            dispatcher.failPending(new IOException("socket closed: " + status.code() + " " + status.reason()));
            listener.onClose(status);
        }
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

    /** Adapts the JDK listener callbacks, which arrive one at a time, to the dispatcher. */
    private final class Receiver implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();
        private boolean oversized;

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            if (webSocket == null) {
                webSocket = socket;
            }
            if (oversized || partial.length() + data.length() > MAX_INCOMING_FRAME_CHARS) {
                partial.setLength(0);
                oversized = !last;
                if (last) {
                    listener.onError(new MalformedFrameException("frame larger than " + MAX_INCOMING_FRAME_CHARS
                            + " chars skipped"));
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
        public void onOpen(WebSocket socket) {
            webSocket = socket;
            socket.request(1);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            finish(new CloseStatus(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            listener.onError(error);
            finish(new CloseStatus(CloseStatus.ABNORMAL, String.valueOf(error.getMessage())));
        }
    }
}
