package io.socialink.gateway.keys;

/** A device's long-lived public keys as a bundle starts from: identity key, signed EC and Kyber last-resort prekey. */
public record BundleDevice(
        int deviceId, int registrationId, byte[] identityKey, PreKey signedPreKey, PreKey pqLastResortPreKey) {}
