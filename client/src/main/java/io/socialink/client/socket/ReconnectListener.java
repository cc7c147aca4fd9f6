package io.socialink.client.socket;

import java.time.Duration;

/**
 * What a {@link DeviceSocket} says about its connection while it reconnects by itself. A lost connection is reported
 * once with {@link #onDisconnected}, then each attempt with {@link #onReconnecting} and the success with
 * {@link #onReconnected}; a socket that stops for good reports {@link DeviceSocketListener#onClose} instead.
 */
public interface ReconnectListener {

    /** The connection was lost and the socket will connect again; nothing is lost, the server re-drains the queue. */
    default void onDisconnected(CloseStatus status) {}

    /** Attempt {@code attempt} (1 for the first) of connecting again starts after {@code delay}. */
    default void onReconnecting(int attempt, Duration delay) {}

    /** Attempt {@code attempt} connected; frames of the new connection follow this call. */
    default void onReconnected(int attempt) {}
}
