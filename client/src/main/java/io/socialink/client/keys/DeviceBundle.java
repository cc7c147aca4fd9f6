package io.socialink.client.keys;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the key directory hands out to start a session with one device: its identity key, registration id, signed
 * EC prekey, a one-time EC prekey (null when it has none left) and a Kyber prekey (one-time, or the last-resort
 * key when {@code pqLastResort}).
 */
public record DeviceBundle(
        int deviceId,
        int registrationId,
        byte[] identityKey,
        PublicPreKey signedPreKey,
        @Nullable PublicPreKey preKey,
        PublicPreKey pqPreKey,
        boolean pqLastResort) {

    public DeviceBundle {
        Objects.requireNonNull(identityKey, "identityKey");
        Objects.requireNonNull(signedPreKey, "signedPreKey");
        Objects.requireNonNull(pqPreKey, "pqPreKey");
    }
}
