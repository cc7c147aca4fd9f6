package io.socialink.client.socket;

/** A WebSocket text frame that is not a frame of the contract (bad JSON, missing or invalid members). */
public class MalformedFrameException extends IllegalArgumentException {

    public MalformedFrameException(String message, Throwable cause) {
        super(message, cause);
    }

    public MalformedFrameException(String message) {
        super(message);
    }
}
