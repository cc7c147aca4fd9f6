package io.socialink.client.api;

import java.util.Objects;

/** A device named by its user and device id; {@link #address()} is the {@code userId.deviceId} form. */
public record DeviceRef(String userId, int deviceId) {

    public DeviceRef {
        Objects.requireNonNull(userId, "userId");
    }

    public String address() {
        return userId + "." + deviceId;
    }
}
