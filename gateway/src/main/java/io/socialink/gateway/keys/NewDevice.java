package io.socialink.gateway.keys;

/** What a registration stores: the device's public registration data and the hash of its secret. */
public record NewDevice(String userId, int registrationId, byte[] identityKey, byte[] secretHash, byte[] secretSalt) {}
