package io.socialink.client.socket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * A real WebSocket server on a loopback port that behaves like the gateway for one device's queue: every connection
 * is drained the queue's unacked envelopes in order, then {@code queue-empty}; acks remove entries. It can be
 * crashed ({@link #crash()}: its TCP connections are cut without a close frame and it stops listening) and started
 * again on the same port, or close the live connection with a code as the gateway does (4409, 4410). It answers
 * pings unless {@link #mute() muted}: then it keeps its connections open but sends nothing more, as a peer behind
 * a dropped NAT mapping would.
 */
final class LocalSocketServer implements AutoCloseable {

    private static final Pattern UUID_PATTERN =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private static final Pattern PING_PATTERN = Pattern.compile("\"type\":\"ping\",\"id\":\"([^\"]+)\"");

    private final int port = freePort();
    private final Map<UUID, String> queue = new LinkedHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Connection> open = new CopyOnWriteArrayList<>();
    private final List<WebsocketOutbound> outbounds = new CopyOnWriteArrayList<>();
    private volatile Sinks.Many<String> live;
    private volatile boolean muted;
    private DisposableServer server;

    LocalSocketServer start() {
        server = HttpServer.create()
                .host("127.0.0.1")
                .port(port)
                .route(routes -> routes.ws("/ws/{user}/{device}", (in, out) -> {
                    connections.incrementAndGet();
                    muted = false;
                    in.withConnection(open::add);
                    outbounds.add(out);
                    Sinks.Many<String> frames = Sinks.many().unicast().onBackpressureBuffer();
                    live = frames;
                    for (String frame : drain()) {
                        frames.tryEmitNext(frame);
                    }
                    frames.tryEmitNext("{\"type\":\"queue-empty\"}");
                    Mono<Void> acks = in.receive()
                            .asString()
                            .doOnNext(text -> onClientFrame(text, frames))
                            .then();
                    return Mono.when(acks, out.sendString(frames.asFlux()).then());
                }))
                .bindNow();
        return this;
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Queues an envelope; pushed at once to the live connection, if any, and on every later connect until acked. */
    synchronized UUID enqueue(String text) {
        UUID id = UUID.randomUUID();
        String frame = envelope(id, text);
        queue.put(id, frame);
        Sinks.Many<String> frames = live;
        if (frames != null) {
            frames.tryEmitNext(frame);
        }
        return id;
    }

    synchronized int unacked() {
        return queue.size();
    }

    int connections() {
        return connections.get();
    }

    /** Cuts every connection without a close frame and stops listening, as a killed process would. */
    void crash() {
        live = null;
        server.disposeNow();
        open.forEach(connection -> connection.channel().close());
        open.clear();
        outbounds.clear();
    }

    /** From now on nothing more is sent on the open connections, pongs included; they are not closed. */
    void mute() {
        muted = true;
        live = null;
    }

    /** Closes the live connection with a WebSocket close frame. */
    void closeWith(int code, String reason) {
        outbounds.forEach(out -> out.sendClose(code, reason).subscribe());
    }

    @Override
    public void close() {
        if (server != null && !server.isDisposed()) {
            crash();
        }
    }

    private synchronized List<String> drain() {
        return new ArrayList<>(queue.values());
    }

    private synchronized void onClientFrame(String text, Sinks.Many<String> frames) {
        Matcher ping = PING_PATTERN.matcher(text);
        if (ping.find()) {
            if (!muted) {
                frames.tryEmitNext("{\"type\":\"pong\",\"id\":\"" + ping.group(1) + "\"}");
            }
        } else if (text.contains("\"ack\"")) {
            Matcher ids = UUID_PATTERN.matcher(text);
            while (ids.find()) {
                queue.remove(UUID.fromString(ids.group()));
            }
        }
    }

    private static String envelope(UUID id, String text) {
        return "{\"type\":\"envelope\",\"messageId\":\"" + id + "\",\"sender\":{\"userId\":\"alice\",\"deviceId\":1},"
                + "\"ciphertextType\":3,\"content\":\""
                + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8))
                + "\",\"sentAt\":1,\"expiresAt\":null}";
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
