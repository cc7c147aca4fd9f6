package io.socialink.client.signal;

import io.socialink.client.keys.PreKeyStats;
import io.socialink.client.socket.CloseStatus;
import io.socialink.client.socket.DeviceEvent;
import io.socialink.client.socket.Envelope;
import io.socialink.client.socket.ReconnectListener;

/**
 * Receives what a device socket read, after {@link SecureMessenger} decrypted it. Calls come one at a time, in
 * frame order, on the socket's thread (refill reports on the messenger's background thread). Returning from
 * {@link #onMessage} means the plaintext has been stored and the envelope may be acked. The socket's reconnects
 * are passed on as {@link ReconnectListener} calls.
 */
@FunctionalInterface
public interface SecureMessageListener extends ReconnectListener {

    void onMessage(DecryptedMessage message);

    /** An envelope that could not be decrypted; it is acked (a retry would fail the same way). Replays are dropped. */
    default void onUndecryptable(Envelope envelope, UndecryptableMessageException error) {}

    /** A server-made event other than {@code low-prekeys}, which the messenger handles itself. */
    default void onEvent(DeviceEvent event) {}

    /** The messenger uploaded new one-time prekeys after a {@code low-prekeys} event. */
    default void onPreKeysRefilled(PreKeyStats stats) {}

    default void onQueueEmpty() {}

    default void onError(Throwable error) {}

    default void onClose(CloseStatus status) {}
}
