package io.socialink.gateway.keys;

/**
 * {@code GET /api/v1/keys/stats/{userId}/{deviceId}}: one-time prekeys left and the age of the current signed EC
 * prekey and Kyber last-resort prekey in seconds.
 */
public record PreKeyStats(
        int ecPreKeys, int pqPreKeys, long signedPreKeyAgeSeconds, long pqLastResortPreKeyAgeSeconds) {}
