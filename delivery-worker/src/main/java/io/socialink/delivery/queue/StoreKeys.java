package io.socialink.delivery.queue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Binary keys of the queue stores. A device address never contains a zero byte, so {@code address 0x00 ...}
 * keeps one device's keys together and apart from a device whose address starts the same ({@code bob.1} and
 * {@code bob.12}). Numbers are big-endian so the stores' unsigned byte order is numeric order and a range scan
 * yields a queue in sequence order or the deadline index in time order.
 */
public final class StoreKeys {

    private static final byte SEPARATOR = 0;

    private StoreKeys() {}

    /** Whether {@code address} can be used as a key prefix. */
    public static boolean isUsableAddress(String address) {
        return address != null && !address.isEmpty() && address.indexOf('\0') < 0;
    }

    /** The queue entry {@code seq} of a device. */
    public static Bytes entry(String address, long seq) {
        byte[] prefix = prefix(address);
        return Bytes.wrap(ByteBuffer.allocate(prefix.length + Long.BYTES)
                .put(prefix)
                .putLong(seq)
                .array());
    }

    /** A messageId of a device (queued or acknowledged). */
    public static Bytes messageId(String address, String messageId) {
        byte[] prefix = prefix(address);
        byte[] id = messageId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(prefix.length + id.length)
                .put(prefix)
                .put(id)
                .array());
    }

    static byte[] prefix(String address) {
        byte[] bytes = address.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, prefix, 0, bytes.length);
        prefix[bytes.length] = SEPARATOR;
        return prefix;
    }

    static long seqOf(Bytes entryKey) {
        byte[] bytes = entryKey.get();
        return ByteBuffer.wrap(bytes, bytes.length - Long.BYTES, Long.BYTES).getLong();
    }
}
