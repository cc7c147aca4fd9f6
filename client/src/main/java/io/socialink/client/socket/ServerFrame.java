package io.socialink.client.socket;

import org.jspecify.annotations.Nullable;

/** A server → client WebSocket frame, as read by {@link FrameParser}. */
public sealed interface ServerFrame
        permits Envelope, DeviceEvent, ServerFrame.QueueEmpty, ServerFrame.Pong, ServerFrame.Error {

    /** The queue that was waiting when the socket connected has been delivered and acknowledged. */
    record QueueEmpty() implements ServerFrame {}

    /** The answer to a client ping with the same id. */
    record Pong(@Nullable String id) implements ServerFrame {}

    /**
     * The server reports a problem with this socket or with a frame the client sent; {@code code} is a problem
     * name such as {@code bad-frame}.
     */
    record Error(@Nullable String code, @Nullable String detail) implements ServerFrame {}
}
