package io.socialink.gateway.websocket;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;

/** The live sockets of this node, at most one per device address; the newest registration wins. */
@Component
public class SocketRegistry {

    private final ConcurrentMap<String, LiveSocket> sockets = new ConcurrentHashMap<>();

    /** Registers {@code socket} as its device's socket and returns the one it replaces, if any. */
    public LiveSocket register(LiveSocket socket) {
        return sockets.put(socket.address().toString(), socket);
    }

    /** Removes {@code socket} unless a newer socket of the same device has replaced it already. */
    public boolean unregister(LiveSocket socket) {
        return sockets.remove(socket.address().toString(), socket);
    }

    /** The socket of {@code address} if it is the connection {@code connectionId}; null otherwise. */
    public @Nullable LiveSocket find(String address, String connectionId) {
        LiveSocket socket = sockets.get(address);
        return socket != null && socket.connectionId().equals(connectionId) ? socket : null;
    }

    /** The socket of {@code address} on this node, whichever connection it is; null when it has none. */
    public @Nullable LiveSocket get(String address) {
        return sockets.get(address);
    }

    /** Closes the socket of {@code address} with {@code status}, if it has one on this node. */
    public void close(String address, CloseStatus status) {
        LiveSocket socket = sockets.get(address);
        if (socket != null) {
            socket.close(status);
        }
    }

    /** The live sockets now. */
    public Collection<LiveSocket> all() {
        return List.copyOf(sockets.values());
    }

    public int size() {
        return sockets.size();
    }
}
