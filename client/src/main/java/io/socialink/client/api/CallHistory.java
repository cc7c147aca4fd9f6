package io.socialink.client.api;

import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One page of the calls in a 1:1 conversation, newest first; {@code nextBefore} is the {@code before} of the next
 * page, null on the last one.
 */
public record CallHistory(
        String conversationId, List<Call> calls, @Nullable Long nextBefore) {

    public CallHistory {
        calls = List.copyOf(calls);
    }

    /**
     * One call: who called from which device, the media, when it started, was answered (and on which device) and
     * ended (epoch millis), its outcome and duration; {@code outcome} is null while the call rings or is accepted.
     */
    public record Call(
            UUID callId,
            String callerUserId,
            int callerDeviceId,
            String calleeUserId,
            String media,
            long startedAt,
            @Nullable Long answeredAt,
            @Nullable Integer answeredDeviceId,
            @Nullable Long endedAt,
            @Nullable String outcome,
            @Nullable Long durationMillis) {}
}
