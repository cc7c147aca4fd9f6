package io.socialink.client.signal;

import io.socialink.client.socket.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** A received envelope and its plaintext, decrypted with the session of the sending device. */
public record DecryptedMessage(Envelope envelope, byte[] plaintext) {

    public DecryptedMessage {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(plaintext, "plaintext");
    }

    /** The plaintext as UTF-8 text. */
    public String text() {
        return new String(plaintext, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        // the plaintext stays out of logs
        return "DecryptedMessage[" + envelope + ", " + plaintext.length + " bytes]";
    }
}
