package io.socialink.bench;

import io.socialink.client.auth.DeviceCredentials;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.jspecify.annotations.Nullable;

/**
 * One device's socket of the connections bench, kept small because a process holds tens of thousands: the channel
 * while it is open, the server it went to, and buffers only while a frame has arrived in part or a write did not fit
 * in the kernel's buffer (the reactor reads into a buffer shared by all its sockets). The fields are the owning
 * {@link SocketReactor} thread's once the socket was handed to it; a connector thread sets them before that.
 */
final class IdleSocket {

    final int index;
    final DeviceCredentials device;
    /** Index into the bench's server list of the server this socket is, or will next be, connected to. */
    int server;

    @Nullable
    SocketChannel channel;

    @Nullable
    SelectionKey key;
    /** A frame that arrived in part (read mode between reads: position 0, limit the bytes held), or null. */
    @Nullable
    ByteBuffer pending;
    /** Bytes written but not yet taken by the kernel, or null. */
    @Nullable
    ByteBuffer unwritten;
    /** Increases whenever the socket ends, so that a keep-alive scheduled for an earlier connection is dropped. */
    int generation;
    /** Whether this socket's first connect attempt (success or not) was counted for the connect phase. */
    boolean attempted;

    IdleSocket(int index, DeviceCredentials device, int server) {
        this.index = index;
        this.device = device;
        this.server = server;
    }
}
