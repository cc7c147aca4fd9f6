package io.socialink.gateway.mls;

/**
 * A bounds-checked reader of the RFC 9420 wire encoding (big-endian integers, QUIC-style variable-length vector
 * lengths), for the few framing fields the bcmls codec keeps package-private: the group id of a PrivateMessage and
 * the KeyPackageRefs a Welcome addresses. Every length is checked against the bytes left before anything is read.
 */
public final class MlsWire {

    private final byte[] bytes;
    private int position;
    private final int end;

    public MlsWire(byte[] bytes, int offset, int end) {
        this.bytes = bytes;
        this.position = offset;
        this.end = end;
    }

    public MlsWire(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    public int position() {
        return position;
    }

    public boolean atEnd() {
        return position == end;
    }

    public int u16() throws InvalidMlsMessageException {
        require(2);
        int value = ((bytes[position] & 0xff) << 8) | (bytes[position + 1] & 0xff);
        position += 2;
        return value;
    }

    public long u64() throws InvalidMlsMessageException {
        require(8);
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (bytes[position + i] & 0xff);
        }
        position += 8;
        return value;
    }

    /** A vector length: 1, 2 or 4 bytes, the top two bits of the first saying which. */
    public int varint() throws InvalidMlsMessageException {
        require(1);
        int first = bytes[position] & 0xff;
        int size = 1 << (first >>> 6);
        if (size == 8) {
            throw new InvalidMlsMessageException("invalid vector length");
        }
        require(size);
        int value = first & 0x3f;
        for (int i = 1; i < size; i++) {
            value = (value << 8) | (bytes[position + i] & 0xff);
        }
        position += size;
        return value;
    }

    /** A variable-length vector's content. */
    public byte[] opaque() throws InvalidMlsMessageException {
        int length = varint();
        require(length);
        byte[] value = java.util.Arrays.copyOfRange(bytes, position, position + length);
        position += length;
        return value;
    }

    /** A reader over the next variable-length vector's content; this reader moves past it. */
    public MlsWire vector() throws InvalidMlsMessageException {
        int length = varint();
        require(length);
        MlsWire inner = new MlsWire(bytes, position, position + length);
        position += length;
        return inner;
    }

    public int u8() throws InvalidMlsMessageException {
        require(1);
        return bytes[position++] & 0xff;
    }

    public void skip(int count) throws InvalidMlsMessageException {
        require(count);
        position += count;
    }

    private void require(int count) throws InvalidMlsMessageException {
        if (count < 0 || end - position < count) {
            throw new InvalidMlsMessageException("truncated MLS message");
        }
    }
}
