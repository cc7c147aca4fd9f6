package io.socialink.gateway.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/** A WebSocket client for tests: collects text frames and the close code. */
final class TestSocket implements WebSocket.Listener {

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static TestSocket connect(HttpClient http, int port, String path, String authorization) {
        TestSocket listener = new TestSocket();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        listener.socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + path), listener)
                .join();
        return listener;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frames.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.completeExceptionally(error);
    }

    void sendText(String text) {
        socket.sendText(text, true).join();
    }

    JsonNode nextFrame() throws InterruptedException {
        String frame = frames.poll(15, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no frame within 15 s");
        }
        return GatewayApp.JSON.readTree(frame);
    }

    /** The next frame of {@code type}, skipping others. */
    JsonNode nextFrame(String type) throws InterruptedException {
        while (true) {
            JsonNode frame = nextFrame();
            if (frame.get("type").asString().equals(type)) {
                return frame;
            }
        }
    }

    /** The frames of {@code type} that came so far or come within {@code quietMillis}; the others are dropped. */
    List<JsonNode> framesOf(String type, long quietMillis) throws InterruptedException {
        List<JsonNode> found = new ArrayList<>();
        long deadline = System.nanoTime() + quietMillis * 1_000_000;
        while (true) {
            String frame = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (frame == null) {
                return found;
            }
            JsonNode node = GatewayApp.JSON.readTree(frame);
            if (node.get("type").asString().equals(type)) {
                found.add(node);
            }
        }
    }

    int awaitClose() throws Exception {
        return closeCode.get(15, TimeUnit.SECONDS);
    }

    void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        }
    }
}
