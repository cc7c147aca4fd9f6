package io.socialink.gateway.auth;

/**
 * One device of one user, written {@code userId.deviceId} (e.g. {@code bob.2}): the Basic-auth user name and the
 * Kafka key of every per-device topic.
 */
public record DeviceAddress(String userId, int deviceId) {

    public static final int MAX_USER_ID_LENGTH = 64;

    public DeviceAddress {
        if (!isValidUserId(userId)) {
            throw new IllegalArgumentException("invalid user id");
        }
        if (deviceId < 1) {
            throw new IllegalArgumentException("device id must be positive");
        }
    }

    /** Whether {@code userId} matches {@code [A-Za-z0-9_-]{1,64}}; checked on every request, so without a regex. */
    public static boolean isValidUserId(String userId) {
        if (userId == null || userId.isEmpty() || userId.length() > MAX_USER_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < userId.length(); i++) {
            char c = userId.charAt(i);
            boolean allowed =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /** Parses {@code userId.deviceId}; throws {@link IllegalArgumentException} on anything else. */
    public static DeviceAddress parse(String address) {
        int dot = address == null ? -1 : address.lastIndexOf('.');
        if (dot < 1 || dot == address.length() - 1 || address.length() - dot > 11) {
            throw new IllegalArgumentException("expected userId.deviceId");
        }
        return new DeviceAddress(address.substring(0, dot), parseDeviceId(address.substring(dot + 1)));
    }

    /** A positive decimal device id without sign or leading zeros; -1 when it is not one. */
    public static int parseDeviceIdOrNegative(String text) {
        if (text == null || text.isEmpty() || text.length() > 10 || text.charAt(0) == '0') {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value > Integer.MAX_VALUE ? -1 : (int) value;
    }

    private static int parseDeviceId(String text) {
        int deviceId = parseDeviceIdOrNegative(text);
        if (deviceId < 1) {
            throw new IllegalArgumentException("invalid device id");
        }
        return deviceId;
    }

    @Override
    public String toString() {
        return userId + "." + deviceId;
    }
}
