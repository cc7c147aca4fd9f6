package io.socialink.bench;

import io.socialink.client.auth.DeviceCredentials;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A device's WebSocket reduced to what presence churn needs: an authenticated upgrade, then a close frame. It reads
 * nothing after the upgrade (what the server sends meanwhile waits in the kernel's buffer and is dropped with the
 * socket) and keeps no thread. The JDK's WebSocket client costs the load generator about as much CPU per connect and
 * close as the whole server on this machine, which made the bench measure itself.
 */
final class ChurnSocket implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_RESPONSE_HEAD = 8_192;

    private final Socket socket;

    private ChurnSocket(Socket socket) {
        this.socket = socket;
    }

    /** Opens {@code ws://host:port/ws/{userId}/{deviceId}}; fails unless the server answers 101. */
    static ChurnSocket connect(URI server, DeviceCredentials device) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
            int port = server.getPort() > 0 ? server.getPort() : 80;
            socket.connect(new InetSocketAddress(server.getHost(), port), CONNECT_TIMEOUT_MILLIS);
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            String request = "GET /ws/" + device.userId() + "/" + device.deviceId() + " HTTP/1.1\r\n"
                    + "Host: " + server.getHost() + ":" + port + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + "Authorization: " + device.basicAuthorization() + "\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = responseHead(socket.getInputStream());
            if (!head.startsWith("HTTP/1.1 101")) {
                throw new IOException(
                        "upgrade refused: " + head.lines().findFirst().orElse(""));
            }
            return new ChurnSocket(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends a masked close frame (1000) and closes the connection without waiting for the server's answer. */
    @Override
    public void close() {
        try {
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            byte[] frame = {
                (byte) 0x88, // FIN, opcode close
                (byte) 0x82, // masked, 2 bytes of payload
                mask[0],
                mask[1],
                mask[2],
                mask[3],
                (byte) (0x03 ^ mask[0]), // 1000, big endian, masked
                (byte) (0xE8 ^ mask[1])
            };
            socket.getOutputStream().write(frame);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            // the connection is gone already: closing it is all that is left
        } finally {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    /** The response's status line and headers, up to the blank line; the bytes after it are left unread. */
    private static String responseHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the upgrade");
            }
            head.write(b);
            if (head.size() > MAX_RESPONSE_HEAD) {
                throw new IOException("upgrade response head too long");
            }
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1
                    : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
