package io.socialink.client.api;

import java.util.Objects;

/**
 * One device's copy of a send: the recipient device, the registration id the sender believes it has (the server
 * answers 410 when it changed), the client-declared ciphertext type and the opaque content.
 */
public record OutgoingCopy(String userId, int deviceId, int registrationId, int type, byte[] content) {

    /** The type given to copies that are not libsignal messages (opaque payloads, e.g. the load generator's). */
    public static final int DEFAULT_TYPE = 3;

    public OutgoingCopy {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(content, "content");
    }

    public static OutgoingCopy of(DeviceInfo device, String userId, byte[] content) {
        return new OutgoingCopy(userId, device.deviceId(), device.registrationId(), DEFAULT_TYPE, content);
    }

    @Override
    public String toString() {
        return "OutgoingCopy[" + userId + "." + deviceId + ", registrationId=" + registrationId + ", type=" + type
                + ", " + content.length + " bytes]";
    }
}
