package io.socialink.delivery.routing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Where a connected device's socket is: the gateway node (its partition of {@code gateway.push}) and the
 * connection id the gateway knows the socket by.
 *
 * @param lastSeen the worker's wall-clock time of the last CONNECTED or HEARTBEAT of this connection
 */
public record Route(int gatewayNode, String connectionId, long lastSeen) {

    private static final byte FORMAT = 1;

    public static final Serde<Route> SERDE = Serdes.serdeFrom(
            (topic, route) -> route == null ? null : route.toBytes(),
            (topic, bytes) -> bytes == null ? null : fromBytes(bytes));

    public boolean isConnection(String id) {
        return connectionId.equals(id);
    }

    public Route seenAt(long now) {
        return new Route(gatewayNode, connectionId, now);
    }

    byte[] toBytes() {
        byte[] id = connectionId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + Integer.BYTES + Long.BYTES + id.length)
                .put(FORMAT)
                .putInt(gatewayNode)
                .putLong(lastSeen)
                .put(id)
                .array();
    }

    static Route fromBytes(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte format = buffer.get();
        if (format != FORMAT) {
            throw new SerializationException("unknown route format " + format);
        }
        int node = buffer.getInt();
        long lastSeen = buffer.getLong();
        byte[] id = new byte[buffer.remaining()];
        buffer.get(id);
        return new Route(node, new String(id, StandardCharsets.UTF_8), lastSeen);
    }
}
