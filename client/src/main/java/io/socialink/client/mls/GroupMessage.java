package io.socialink.client.mls;

import io.socialink.client.socket.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A decrypted group application message: the group, the epoch it was sent in, the sending device as the gateway
 * reported it ({@code userId.deviceId}; MLS checked the signature of a member leaf, which bcmls does not name), the
 * plaintext and the envelope it came in.
 */
public record GroupMessage(String groupId, long epoch, String senderAddress, byte[] plaintext, Envelope envelope) {

    public GroupMessage {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(plaintext, "plaintext");
    }

    /** The plaintext as UTF-8 text. */
    public String text() {
        return new String(plaintext, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        // the plaintext stays out of logs
        return "GroupMessage[" + groupId + "@" + epoch + " from " + senderAddress + ", " + plaintext.length + " bytes]";
    }
}
