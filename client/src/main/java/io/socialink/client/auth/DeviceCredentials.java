package io.socialink.client.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * What a registered device authenticates with: HTTP Basic {@code userId.deviceId:deviceSecret} on every request
 * and on the WebSocket upgrade. The secret is only ever known to the device; the gateway keeps a salted hash.
 */
public record DeviceCredentials(String userId, int deviceId, String deviceSecret, int registrationId) {

    public DeviceCredentials {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(deviceSecret, "deviceSecret");
        if (deviceId < 1) {
            throw new IllegalArgumentException("deviceId must be positive: " + deviceId);
        }
    }

    /** The device address, {@code userId.deviceId}, as the server names this device. */
    public String address() {
        return userId + "." + deviceId;
    }

    /** The value of the {@code Authorization} header for this device. */
    public String basicAuthorization() {
        String token = address() + ":" + deviceSecret;
        return "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        // keeps the secret out of logs and exception messages
        return "DeviceCredentials[" + address() + ", registrationId=" + registrationId + "]";
    }
}
