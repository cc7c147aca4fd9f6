package io.socialink.client.calls;

import io.socialink.client.signal.UndecryptablePayloadException;
import io.socialink.client.socket.CallFrame;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A received {@code call} frame and, when it carried the peer's ciphertext ({@code ring}: the offer,
 * {@code accepted}: the answer, {@code ice}: one candidate), its decrypted text; {@code error} instead when it could
 * not be decrypted. Frames without ciphertext have neither.
 */
public record CallSignal(
        CallFrame frame, @Nullable String text, @Nullable UndecryptablePayloadException error) {

    public CallSignal {
        Objects.requireNonNull(frame, "frame");
    }

    public String event() {
        return frame.event();
    }

    @Override
    public String toString() {
        // the plaintext stays out of logs
        return "CallSignal[" + frame + (text == null ? "" : ", " + text.length() + " chars")
                + (error == null ? "" : ", undecryptable: " + error.getMessage()) + "]";
    }
}
