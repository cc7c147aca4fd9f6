package io.socialink.client.api;

import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A call's state as a call endpoint answered it: {@code ringing}, {@code accepted} or {@code ended};
 * {@code outcome} ({@code completed}, {@code declined}, {@code cancelled}, {@code missed}, {@code busy}) once ended.
 * {@code ringUntil} is set by an initiate that rings, {@code answeredAt} by an answer, {@code durationMillis} by an
 * end (0 for a call never accepted). Times are epoch millis.
 */
public record CallStatus(
        UUID callId,
        String state,
        @Nullable String outcome,
        @Nullable Long ringUntil,
        @Nullable Long answeredAt,
        @Nullable Long durationMillis) {

    public static final String RINGING = "ringing";
    public static final String ACCEPTED = "accepted";
    public static final String ENDED = "ended";

    public CallStatus {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(state, "state");
    }

    public boolean ended() {
        return ENDED.equals(state);
    }
}
