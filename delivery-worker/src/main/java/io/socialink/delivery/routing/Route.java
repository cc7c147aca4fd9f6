package io.socialink.delivery.routing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Where a connected device's socket is: the gateway node (its partition of {@code gateway.push}), the connection id
 * the gateway knows the socket by, and the gateway process (incarnation) that holds it, whose NODE_ALIVE events keep
 * the route alive ({@link NodeLiveness}).
 *
 * @param connectedAt the time of the socket's CONNECTED record (stream time)
 */
public record Route(int gatewayNode, String connectionId, String incarnation, long connectedAt) {

    /** Format 1 (before node liveness) had no incarnation: such a route lives until its grace runs out. */
    private static final byte FORMAT_WITHOUT_INCARNATION = 1;

    private static final byte FORMAT = 2;

    public static final Serde<Route> SERDE = Serdes.serdeFrom(
            (topic, route) -> route == null ? null : route.toBytes(),
            (topic, bytes) -> bytes == null ? null : fromBytes(bytes));

    public boolean isConnection(String id) {
        return connectionId.equals(id);
    }

    byte[] toBytes() {
        byte[] id = connectionId.getBytes(StandardCharsets.UTF_8);
        byte[] holder = incarnation.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + Integer.BYTES + Long.BYTES + Short.BYTES + holder.length + id.length)
                .put(FORMAT)
                .putInt(gatewayNode)
                .putLong(connectedAt)
                .putShort((short) holder.length)
                .put(holder)
                .put(id)
                .array();
    }

    static Route fromBytes(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte format = buffer.get();
        if (format != FORMAT && format != FORMAT_WITHOUT_INCARNATION) {
            throw new SerializationException("unknown route format " + format);
        }
        int node = buffer.getInt();
        long connectedAt = buffer.getLong();
        String incarnation = "";
        if (format == FORMAT) {
            byte[] holder = new byte[buffer.getShort()];
            buffer.get(holder);
            incarnation = new String(holder, StandardCharsets.UTF_8);
        }
        byte[] id = new byte[buffer.remaining()];
        buffer.get(id);
        return new Route(node, new String(id, StandardCharsets.UTF_8), incarnation, connectedAt);
    }
}
