package io.socialink.gateway.websocket;

import io.socialink.gateway.auth.DeviceAddress;

/** The WebSocket route {@code /ws/{userId}/{deviceId}}. */
public final class SocketPaths {

    public static final String PATTERN = "/ws/{userId}/{deviceId}";
    private static final String PREFIX = "/ws/";

    private SocketPaths() {}

    /** The device a socket path names; throws {@link IllegalArgumentException} for anything else. */
    public static DeviceAddress address(String path) {
        if (path == null || !path.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a socket path");
        }
        String rest = path.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash < 0 || rest.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("not a socket path");
        }
        int deviceId = DeviceAddress.parseDeviceIdOrNegative(rest.substring(slash + 1));
        return new DeviceAddress(rest.substring(0, slash), deviceId);
    }
}
