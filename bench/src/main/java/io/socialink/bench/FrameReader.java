package io.socialink.bench;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Splits the bytes a server sent on a WebSocket into frames (RFC 6455, section 5.2), for {@link SocketReactor}: its
 * idle sockets read into a buffer shared by all sockets of the thread, and only a frame that arrived in part is
 * copied aside. Server frames are unmasked; a masked one is a protocol error. Fragments are handed over as they are
 * (opcode 0 for a continuation, {@code fin} false for all but the last), so the framing stays right even though the
 * bench reads nothing it needs from them.
 */
final class FrameReader {

    /** Larger than the gateway's 4 MiB frame limit; a longer frame means the stream is not what it should be. */
    static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

    static final int OPCODE_CONTINUATION = 0;
    static final int OPCODE_TEXT = 1;
    static final int OPCODE_BINARY = 2;
    static final int OPCODE_CLOSE = 8;
    static final int OPCODE_PING = 9;
    static final int OPCODE_PONG = 10;

    /** Receives each complete frame; {@code payload} is a view that is only valid during the call. */
    interface Handler {
        void onFrame(int opcode, boolean fin, ByteBuffer payload) throws IOException;
    }

    private FrameReader() {}

    /**
     * The length, header included, of the frame that starts at {@code buffer}'s position, or -1 while its header has
     * not fully arrived. The buffer is not changed.
     */
    static int frameLength(ByteBuffer buffer) throws IOException {
        int start = buffer.position();
        int available = buffer.remaining();
        if (available < 2) {
            return -1;
        }
        int second = buffer.get(start + 1) & 0xFF;
        if ((second & 0x80) != 0) {
            throw new IOException("masked frame from the server");
        }
        int length7 = second & 0x7F;
        long payload;
        int header;
        if (length7 < 126) {
            header = 2;
            payload = length7;
        } else if (length7 == 126) {
            header = 4;
            if (available < header) {
                return -1;
            }
            payload = buffer.getShort(start + 2) & 0xFFFF;
        } else {
            header = 10;
            if (available < header) {
                return -1;
            }
            payload = buffer.getLong(start + 2);
        }
        if (payload < 0 || payload > MAX_FRAME_BYTES - header) {
            throw new IOException("frame of " + payload + " bytes");
        }
        return (int) (header + payload);
    }

    /**
     * Hands every complete frame from {@code buffer}'s position on to {@code handler}, and leaves the position at the
     * start of the first frame that has not fully arrived (the limit when none). Returns the number of frames.
     */
    static int readFrames(ByteBuffer buffer, Handler handler) throws IOException {
        int frames = 0;
        while (true) {
            int length = frameLength(buffer);
            if (length < 0 || length > buffer.remaining()) {
                return frames;
            }
            int start = buffer.position();
            int first = buffer.get(start) & 0xFF;
            int length7 = buffer.get(start + 1) & 0x7F;
            int header = length7 < 126 ? 2 : length7 == 126 ? 4 : 10;
            ByteBuffer payload = buffer.duplicate();
            payload.position(start + header).limit(start + length);
            buffer.position(start + length);
            frames++;
            handler.onFrame(first & 0x0F, (first & 0x80) != 0, payload.slice());
        }
    }
}
