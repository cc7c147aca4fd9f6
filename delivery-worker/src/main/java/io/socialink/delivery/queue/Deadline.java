package io.socialink.delivery.queue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * One key of the deadline index: when something about a device falls due. Keys start with the deadline
 * (big-endian, clamped to zero) so the punctuator reads only what is due instead of scanning every queue.
 *
 * <p>A queue is indexed once ({@link Kind#QUEUE}), no later than the queue-TTL deadline of its oldest entry, and not
 * per entry: most entries are acknowledged within milliseconds, and indexing each of them cost two changelog
 * writes. Only an entry with an {@code expiresAt} before its queue-TTL deadline (a disappearing message) has its own
 * key ({@link Kind#ENTRY}).
 *
 * @param kind      what falls due
 * @param reference the entry's sequence number ({@link Kind#ENTRY}), empty ({@link Kind#QUEUE}), or a messageId
 *                  ({@link Kind#ACKED}, written by earlier versions only)
 */
public record Deadline(long at, Kind kind, String address, String reference) {

    /** What falls due. */
    public enum Kind {
        /** An entry that expires at its {@code expiresAt}. */
        ENTRY((byte) 'E'),
        /** A queue whose oldest entries may have reached the queue TTL. */
        QUEUE((byte) 'Q'),
        /** An acknowledged messageId's tombstone in the deadline index of earlier versions: only removed. */
        ACKED((byte) 'A');

        private final byte code;

        Kind(byte code) {
            this.code = code;
        }

        static Kind of(byte code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown deadline kind " + code);
        }
    }

    public static Deadline entry(long at, String address, long seq) {
        return new Deadline(at, Kind.ENTRY, address, Long.toString(seq));
    }

    public static Deadline queue(long at, String address) {
        return new Deadline(at, Kind.QUEUE, address, "");
    }

    /** The smallest possible index key. */
    public static Bytes first() {
        return Bytes.wrap(new byte[Long.BYTES]);
    }

    /** An index key after every key due at or before {@code now}: kind codes are all below 0xFF. */
    public static Bytes dueUpTo(long now) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + 1)
                .putLong(Math.max(0, now))
                .put((byte) 0xFF)
                .array());
    }

    public long seq() {
        return Long.parseLong(reference);
    }

    public Bytes toKey() {
        byte[] prefix = StoreKeys.prefix(address);
        byte[] payload = reference.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + 1 + prefix.length + payload.length)
                .putLong(Math.max(0, at))
                .put(kind.code)
                .put(prefix)
                .put(payload)
                .array());
    }

    public static Deadline fromKey(Bytes key) {
        ByteBuffer buffer = ByteBuffer.wrap(key.get());
        long at = buffer.getLong();
        Kind kind = Kind.of(buffer.get());
        byte[] rest = new byte[buffer.remaining()];
        buffer.get(rest);
        int separator = 0;
        while (rest[separator] != 0) {
            separator++;
        }
        String address = new String(rest, 0, separator, StandardCharsets.UTF_8);
        String reference = new String(rest, separator + 1, rest.length - separator - 1, StandardCharsets.UTF_8);
        return new Deadline(at, kind, address, reference);
    }
}
