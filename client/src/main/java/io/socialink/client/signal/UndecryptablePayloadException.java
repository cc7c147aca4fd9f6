package io.socialink.client.signal;

import org.jspecify.annotations.Nullable;

/**
 * A ciphertext that is not an envelope (a call's offer, answer or ICE candidate) that this device cannot decrypt: no
 * session and no usable prekey, a corrupt or forged ciphertext, an unknown ciphertext type, an untrusted identity,
 * or a replay ({@link #duplicate()}: it had been decrypted before).
 */
public class UndecryptablePayloadException extends Exception {

    private final boolean duplicate;

    public UndecryptablePayloadException(String message, @Nullable Throwable cause, boolean duplicate) {
        super(message, cause);
        this.duplicate = duplicate;
    }

    /** The ciphertext had been decrypted before (a replay). */
    public boolean duplicate() {
        return duplicate;
    }
}
