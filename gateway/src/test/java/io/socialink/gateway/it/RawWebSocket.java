package io.socialink.gateway.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket that writes frames byte by byte as a test describes them: reserved bits,
 * invalid UTF-8, bad close codes, which a real client library refuses to send.
 */
final class RawWebSocket implements AutoCloseable {

    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int RSV1 = 0x40;

    /** A frame the server sent. */
    record Frame(int opcode, byte[] payload) {

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static RawWebSocket connect(int port, String path, String authorization) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Authorization: " + authorization + "\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        RawWebSocket webSocket = new RawWebSocket(socket);
        String status = webSocket.headerLine();
        if (!status.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("no upgrade: " + status);
        }
        while (!webSocket.headerLine().isEmpty()) {
            // skip the response headers
        }
        return webSocket;
    }

    /** Sends one masked frame; {@code firstByte} holds FIN, the reserved bits and the opcode. */
    void send(int firstByte, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(firstByte);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    void sendText(String text) throws IOException {
        send(0x80 | TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next frame, or null when the server closed the TCP connection first. */
    Frame next() throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        int second = in.read();
        long length = second & 0x7f;
        if (length == 126) {
            length = ((in.read() & 0xff) << 8) | (in.read() & 0xff);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | (in.read() & 0xff);
            }
        }
        byte[] payload = in.readNBytes((int) length);
        return new Frame(first & 0x0f, payload);
    }

    /** Reads frames up to the server's close frame and returns its code; -1 when the connection ended without one. */
    int awaitCloseCode() throws IOException {
        try {
            for (Frame frame = next(); frame != null; frame = next()) {
                if (frame.opcode() == CLOSE) {
                    return frame.closeCode();
                }
            }
        } catch (java.net.SocketException e) {
            return -1;
        }
        return -1;
    }

    /** The next text frame, skipping others. */
    Frame nextText() throws IOException {
        for (Frame frame = next(); frame != null; frame = next()) {
            if (frame.opcode() == TEXT) {
                return frame;
            }
        }
        throw new IOException("connection ended");
    }

    private String headerLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
