package io.socialink.client.signal;

import io.socialink.client.socket.Envelope;
import org.jspecify.annotations.Nullable;

/**
 * An envelope that the receiving device cannot decrypt: no session and no usable prekey, a corrupt or forged
 * ciphertext, an unknown ciphertext type, an untrusted identity, or a replay ({@link #duplicate()}).
 */
public class UndecryptableMessageException extends Exception {

    private final transient Envelope envelope;
    private final boolean duplicate;

    public UndecryptableMessageException(
            Envelope envelope, String message, @Nullable Throwable cause, boolean duplicate) {
        super(message, cause);
        this.envelope = envelope;
        this.duplicate = duplicate;
    }

    public Envelope envelope() {
        return envelope;
    }

    /** The ciphertext had been decrypted before (a replay); dropping it loses nothing. */
    public boolean duplicate() {
        return duplicate;
    }
}
