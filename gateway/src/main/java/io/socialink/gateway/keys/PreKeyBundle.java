package io.socialink.gateway.keys;

import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /api/v1/keys/bundle/{userId}}: per device what a sender needs to start a PQXDH session. {@code preKey}
 * is null when the device had no one-time EC prekey left; {@code pqPreKey} is then its Kyber last resort unless a
 * one-time Kyber prekey was left. Keys and signatures base64.
 */
public record PreKeyBundle(String userId, List<DeviceKeys> devices) {

    /** One device's bundle. */
    public record DeviceKeys(
            int deviceId,
            int registrationId,
            String identityKey,
            SignedKey signedPreKey,
            @Nullable OneTimeKey preKey,
            PqKey pqPreKey) {}

    public record SignedKey(int keyId, String publicKey, String signature) {}

    public record OneTimeKey(int keyId, String publicKey) {}

    public record PqKey(int keyId, String publicKey, String signature, boolean lastResort) {}

    static DeviceKeys of(BundleDevice device, Claim claim) {
        PreKey signed = device.signedPreKey();
        PreKey pq = claim.pqPreKey() != null ? claim.pqPreKey() : device.pqLastResortPreKey();
        return new DeviceKeys(
                device.deviceId(),
                device.registrationId(),
                base64(device.identityKey()),
                new SignedKey(
                        signed.keyId(), base64(signed.publicKey()), base64(Objects.requireNonNull(signed.signature()))),
                claim.preKey() == null
                        ? null
                        : new OneTimeKey(
                                claim.preKey().keyId(), base64(claim.preKey().publicKey())),
                new PqKey(
                        pq.keyId(),
                        base64(pq.publicKey()),
                        base64(Objects.requireNonNull(pq.signature())),
                        claim.pqPreKey() == null));
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
