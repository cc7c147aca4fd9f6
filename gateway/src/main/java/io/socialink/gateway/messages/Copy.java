package io.socialink.gateway.messages;

/** One validated ciphertext copy for one recipient device, content decoded. */
public record Copy(String userId, int deviceId, int registrationId, int type, byte[] content) {}
