package io.socialink.gateway.keys;

/** The stored salted hash of an active device's secret. */
public record StoredCredential(byte[] salt, byte[] hash) {}
