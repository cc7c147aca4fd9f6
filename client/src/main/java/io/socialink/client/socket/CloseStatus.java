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
    /** The server closed this socket because the device was removed; its credentials no longer work. */
    public static final int DEVICE_REMOVED = 4410;
    /** The client closed this socket because its listener failed to accept an envelope. */
    public static final int LISTENER_FAILED = 4500;
    /** The client gave up reconnecting: the server refused the upgrade (401, 403) or the attempts ran out. */
    public static final int RECONNECT_FAILED = 4501;

    public boolean isReplaced() {
        return code == REPLACED;
    }

    public boolean isDeviceRemoved() {
        return code == DEVICE_REMOVED;
    }

    /**
     * True for the closes after which a socket must not connect again: replaced by a newer connection, device
     * removed, the listener failed (a new socket is the caller's decision), or reconnecting was given up.
     */
    public boolean isFinal() {
        return code == REPLACED || code == DEVICE_REMOVED || code == LISTENER_FAILED || code == RECONNECT_FAILED;
    }
}
