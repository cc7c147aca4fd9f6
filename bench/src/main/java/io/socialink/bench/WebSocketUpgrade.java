package io.socialink.bench;

import io.socialink.client.auth.DeviceCredentials;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The authenticated upgrade of one idle socket, done as {@link ChurnSocket} does it (a hand-written request, the
 * response head read up to its blank line) but on a {@link SocketChannel} in blocking mode, so that the channel can
 * then be switched to non-blocking and handed to a {@link SocketReactor}. Bytes that arrived after the head (the
 * gateway may write its first frames at once) are kept for the reactor.
 */
final class WebSocketUpgrade {

    private static final int TIMEOUT_MILLIS = 10_000;
    private static final int MAX_RESPONSE_HEAD = 8_192;
    private static final int MAX_REFUSAL_BODY = 4_096;

    /** An upgrade the server answered with another status than 101; {@code reason} names it for the counts. */
    static final class Refused extends IOException {

        private final String reason;

        Refused(String reason, String statusLine) {
            super("upgrade refused: " + statusLine);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    /** An open WebSocket and the frame bytes that came with the upgrade response (null when none). */
    record Upgraded(SocketChannel channel, @Nullable ByteBuffer early) {}

    private WebSocketUpgrade() {}

    /**
     * Opens {@code ws://host:port/ws/{userId}/{deviceId}} to {@code server}, from {@code source} (port chosen by the
     * kernel) unless it is null; fails unless the server answers 101.
     */
    static Upgraded open(InetSocketAddress server, @Nullable InetAddress source, DeviceCredentials device)
            throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.socket().setTcpNoDelay(true);
            channel.socket().setSoTimeout(TIMEOUT_MILLIS);
            if (source != null) {
                channel.bind(new InetSocketAddress(source, 0));
            }
            channel.socket().connect(server, TIMEOUT_MILLIS);
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            String request = "GET /ws/" + device.userId() + "/" + device.deviceId() + " HTTP/1.1\r\n"
                    + "Host: " + server.getHostString() + ":" + server.getPort() + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + "Authorization: " + device.basicAuthorization() + "\r\n\r\n";
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            // the socket adaptor's stream honours the read timeout, which a blocking channel read does not
            InputStream in = channel.socket().getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream(512);
            int headEnd = readHead(in, received);
            byte[] bytes = received.toByteArray();
            String head = new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1);
            String statusLine = head.lines().findFirst().orElse("");
            if (!statusLine.startsWith("HTTP/1.1 101")) {
                throw refusal(statusLine, head, in, bytes, headEnd);
            }
            ByteBuffer early = bytes.length > headEnd ? ByteBuffer.wrap(bytes, headEnd, bytes.length - headEnd) : null;
            return new Upgraded(channel, early);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Reads until the blank line that ends the head; returns the offset just after it in {@code received}. */
    private static int readHead(InputStream in, ByteArrayOutputStream received) throws IOException {
        byte[] chunk = new byte[1024];
        int scanned = 0;
        while (true) {
            int n = in.read(chunk);
            if (n < 0) {
                throw new IOException("connection closed during the upgrade");
            }
            received.write(chunk, 0, n);
            byte[] all = received.toByteArray();
            for (int i = Math.max(3, scanned); i < all.length; i++) {
                if (all[i] == '\n' && all[i - 1] == '\r' && all[i - 2] == '\n' && all[i - 3] == '\r') {
                    return i + 1;
                }
            }
            scanned = all.length;
            if (all.length > MAX_RESPONSE_HEAD) {
                throw new IOException("upgrade response head too long");
            }
        }
    }

    /**
     * The refusal, named {@code http-<status>} and the problem's name when the body is problem+json with a
     * {@code type} (e.g. {@code http-503-connections-exhausted}).
     */
    private static Refused refusal(String statusLine, String head, InputStream in, byte[] received, int headEnd) {
        String[] parts = statusLine.split(" ", 3);
        String reason = "http-" + (parts.length > 1 ? parts[1] : "?");
        int contentLength = contentLength(head);
        if (contentLength > 0 && contentLength <= MAX_REFUSAL_BODY) {
            ByteArrayOutputStream body = new ByteArrayOutputStream(contentLength);
            body.write(received, headEnd, Math.min(contentLength, received.length - headEnd));
            try {
                byte[] chunk = new byte[contentLength];
                while (body.size() < contentLength) {
                    int n = in.read(chunk, 0, contentLength - body.size());
                    if (n < 0) {
                        break;
                    }
                    body.write(chunk, 0, n);
                }
            } catch (SocketTimeoutException e) {
                // the status alone names it then
            } catch (IOException e) {
                // as above
            }
            String type = FrameText.type(body.toString(StandardCharsets.UTF_8));
            if (type != null && !type.isEmpty()) {
                reason += "-" + type.substring(type.lastIndexOf('/') + 1);
            }
        }
        return new Refused(reason, statusLine);
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                try {
                    return Integer.parseInt(
                            line.substring("content-length:".length()).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
