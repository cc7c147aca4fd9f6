package io.socialink.gateway.keys;

/**
 * A signed prekey (EC signed prekey, Kyber one-time or last-resort prekey) as a request carries it:
 * {@code {"keyId", "publicKey", "signature"}}, key and signature base64.
 */
public record SignedPreKeyBody(Integer keyId, String publicKey, String signature) {}
