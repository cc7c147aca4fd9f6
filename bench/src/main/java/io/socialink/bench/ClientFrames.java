package io.socialink.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The frames an idle socket writes: keep-alive pings, acks, pongs and a close, each masked with a fresh key as
 * RFC 6455 requires of a client (a server must close a connection that sends it an unmasked frame).
 */
final class ClientFrames {

    private static final byte[] PING = "{\"type\":\"ping\"}".getBytes(StandardCharsets.US_ASCII);

    private ClientFrames() {}

    /** The application keep-alive of {@code DeviceSocket}: a ping text frame, which the gateway answers with a pong. */
    static ByteBuffer ping() {
        return frame(FrameReader.OPCODE_TEXT, PING);
    }

    /** Acknowledges one envelope, so the gateway drops its copy from the device's queue. */
    static ByteBuffer ack(String messageId) {
        return frame(
                FrameReader.OPCODE_TEXT,
                ("{\"type\":\"ack\",\"messageIds\":[\"" + messageId + "\"]}").getBytes(StandardCharsets.UTF_8));
    }

    /** The answer to a protocol ping: a pong with the ping's payload. */
    static ByteBuffer pong(ByteBuffer pingPayload) {
        byte[] payload = new byte[pingPayload.remaining()];
        pingPayload.duplicate().get(payload);
        return frame(FrameReader.OPCODE_PONG, payload);
    }

    /** A close frame with {@code code} and no reason. */
    static ByteBuffer close(int code) {
        return frame(FrameReader.OPCODE_CLOSE, new byte[] {(byte) (code >> 8), (byte) code});
    }

    /** One unfragmented frame, masked with a random key; ready to be written (position 0). */
    static ByteBuffer frame(int opcode, byte[] payload) {
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        return frame(opcode, payload, mask);
    }

    /** {@link #frame(int, byte[])} with a given masking key, for tests. */
    static ByteBuffer frame(int opcode, byte[] payload, byte[] mask) {
        int length = payload.length;
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(header + 4 + length);
        frame.put((byte) (0x80 | opcode));
        if (length < 126) {
            frame.put((byte) (0x80 | length));
        } else if (length <= 0xFFFF) {
            frame.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(length);
        }
        frame.put(mask);
        for (int i = 0; i < length; i++) {
            frame.put((byte) (payload[i] ^ mask[i & 3]));
        }
        return frame.flip();
    }
}
