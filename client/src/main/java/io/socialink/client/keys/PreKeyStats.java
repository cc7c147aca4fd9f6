package io.socialink.client.keys;

/** How many one-time prekeys the directory still holds for a device, and the age of its rotating keys. */
public record PreKeyStats(
        int ecPreKeys, int pqPreKeys, long signedPreKeyAgeSeconds, long pqLastResortPreKeyAgeSeconds) {}
