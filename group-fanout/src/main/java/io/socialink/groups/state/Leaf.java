package io.socialink.groups.state;

import java.util.Objects;

/**
 * A device that occupies an MLS leaf: its credential identity is the device address {@code userId.deviceId}.
 */
public record Leaf(String userId, int deviceId) {

    public Leaf {
        Objects.requireNonNull(userId, "userId");
    }

    /** The Kafka key of the device's per-device topics. */
    public String address() {
        return userId + "." + deviceId;
    }

    @Override
    public String toString() {
        return address();
    }
}
