package io.socialink.bench;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The load generator's message content: a magic number, the sequence number and the intended send time
 * ({@link System#nanoTime()} of this JVM, which both sender and receivers share), padded to the requested size.
 */
final class BenchPayload {

    static final int HEADER_BYTES = 20;
    private static final int MAGIC = 0x534c4e4b;

    private BenchPayload() {}

    record Stamp(long sequence, long intendedNanos) {}

    static byte[] encode(long sequence, long intendedNanos, int size) {
        byte[] bytes = new byte[Math.max(size, HEADER_BYTES)];
        ByteBuffer.wrap(bytes).putInt(MAGIC).putLong(sequence).putLong(intendedNanos);
        return bytes;
    }

    /** The stamp, or null when the content is not a payload of this generator. */
    static @Nullable Stamp decode(byte[] content) {
        if (content.length < HEADER_BYTES) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(content);
        if (buffer.getInt() != MAGIC) {
            return null;
        }
        return new Stamp(buffer.getLong(), buffer.getLong());
    }
}
