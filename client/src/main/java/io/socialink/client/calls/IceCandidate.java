package io.socialink.client.calls;

import java.util.UUID;

/** An ICE candidate of a call that the peer device sent to this one, decrypted; {@code seq} is the call's number. */
public record IceCandidate(UUID callId, long seq, String senderAddress, String text) {

    @Override
    public String toString() {
        return "IceCandidate[" + callId + " #" + seq + " from " + senderAddress + "]";
    }
}
