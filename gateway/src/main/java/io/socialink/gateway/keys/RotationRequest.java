package io.socialink.gateway.keys;

/** Body of {@code PUT /api/v1/keys/rotate/{userId}/{deviceId}}: a new signed EC prekey and/or Kyber last resort. */
public record RotationRequest(SignedPreKeyBody signedPreKey, SignedPreKeyBody pqLastResortPreKey) {}
