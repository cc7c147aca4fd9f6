package io.socialink.client.socket;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** A server → client WebSocket frame, as read by {@link FrameParser}. */
public sealed interface ServerFrame
        permits Envelope,
                DeviceEvent,
                ServerFrame.QueueEmpty,
                ServerFrame.Pong,
                ServerFrame.SendResult,
                ServerFrame.Error {

    /** The queue that was waiting when the socket connected has been delivered and acknowledged. */
    record QueueEmpty() implements ServerFrame {}

    /** The answer to a client ping with the same id. */
    record Pong(@Nullable String id) implements ServerFrame {}

    /**
     * The answer to a {@code send} frame with the same requestId: {@code status} 201 with the send's result members,
     * or the HTTP status of the problem the REST send would have answered, in {@code frame.problem}.
     */
    record SendResult(String requestId, int status, JsonNode frame) implements ServerFrame {}

    /**
     * The server reports a problem with this socket or with a frame the client sent; {@code code} is a problem
     * name such as {@code bad-frame}.
     */
    record Error(@Nullable String code, @Nullable String detail) implements ServerFrame {}
}
