package io.socialink.gateway.keys;

/** A one-time EC prekey as a request carries it: {@code {"keyId", "publicKey"}}, the key base64. */
public record PreKeyBody(Integer keyId, String publicKey) {}
