package io.socialink.client.socket;

/**
 * How a device socket ended: the WebSocket close code and reason, or {@link #ABNORMAL} with the error message
 * when the connection failed without a close frame.
 */
public record CloseStatus(int code, String reason) {

    public static final int NORMAL = 1000;
    public static final int ABNORMAL = 1006;
    /** The server closed this socket because a newer socket of the same device connected. */
    public static final int REPLACED = 4409;
    /** The client closed this socket because its listener failed to accept an envelope. */
    public static final int LISTENER_FAILED = 4500;

    public boolean isReplaced() {
        return code == REPLACED;
    }
}
