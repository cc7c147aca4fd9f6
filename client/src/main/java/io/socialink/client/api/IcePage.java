package io.socialink.client.api;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The encrypted ICE candidates addressed to the asking device with a sequence number above the {@code after} asked
 * for, oldest first; {@code cursor} is the {@code after} of the next poll (so a client that polls gets each once).
 */
public record IcePage(UUID callId, List<Candidate> candidates, long cursor) {

    public IcePage {
        candidates = List.copyOf(candidates);
    }

    /** One candidate as the peer device encrypted it for this device. */
    public record Candidate(long seq, int type, byte[] content, long sentAt) {

        public Candidate {
            Objects.requireNonNull(content, "content");
        }

        @Override
        public String toString() {
            return "Candidate[seq=" + seq + ", type=" + type + ", " + content.length + " bytes]";
        }
    }
}
