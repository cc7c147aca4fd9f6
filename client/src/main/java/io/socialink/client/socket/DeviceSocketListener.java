package io.socialink.client.socket;

/**
 * Receives what a {@link DeviceSocket} reads, and (as a {@link ReconnectListener}) when it lost its connection and
 * connected again. Calls come one at a time, in frame order, on the HTTP client's executor, so implementations need
 * no locking of their own but must not block for long.
 */
@FunctionalInterface
public interface DeviceSocketListener extends ReconnectListener {

    /**
     * A new (not a duplicate) envelope. Returning normally means the device has stored it and the socket acks it;
     * throwing leaves it and every later envelope unacked and closes the socket, so the server delivers them again,
     * in order, after a reconnect.
     */
    void onEnvelope(Envelope envelope);

    /**
     * A server-made event, e.g. {@code low-prekeys}. Ephemeral events need no ack and a failure here is only
     * reported to {@link #onError}; queued events (with a messageId) are acked once this returns and, when it
     * throws, are handled like a failed envelope.
     */
    default void onEvent(DeviceEvent event) {}

    /** The queue waiting at connect time has been delivered; called at most once per connection. */
    default void onQueueEmpty() {}

    /** An error frame from the server, a malformed frame, or an exception thrown by {@link #onEnvelope}. */
    default void onError(Throwable error) {}

    /** The socket stopped for good (it does not reconnect any more); called once. */
    default void onClose(CloseStatus status) {}
}
