package io.socialink.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Device secrets: 32 random bytes handed to the device once (base64url, no padding) and stored only as
 * SHA-256(salt || secret) with a 16-byte random salt. A single fast hash is enough here because the secret is
 * full-entropy random, not a password: there is nothing to brute-force from the hash. Verification is constant-time.
 */
public final class DeviceSecrets {

    public static final int SECRET_BYTES = 32;
    public static final int SALT_BYTES = 16;

    private static final SecureRandom RANDOM = new SecureRandom();

    private DeviceSecrets() {}

    /** A fresh secret with its salt and hash; only {@code hash} and {@code salt} may be stored. */
    public record Issued(String secret, byte[] salt, byte[] hash) {

        @Override
        public String toString() {
            return "Issued[secret=******]";
        }
    }

    public static Issued issue() {
        byte[] raw = new byte[SECRET_BYTES];
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(raw);
        RANDOM.nextBytes(salt);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        return new Issued(secret, salt, hash(salt, secret));
    }

    public static byte[] hash(byte[] salt, String secret) {
        MessageDigest digest = sha256();
        digest.update(salt);
        digest.update(secret.getBytes(StandardCharsets.UTF_8));
        return digest.digest();
    }

    /** Whether {@code presented} hashes to {@code storedHash}; the comparison takes the same time either way. */
    public static boolean matches(String presented, byte[] salt, byte[] storedHash) {
        if (presented == null || presented.length() > 256) {
            return false;
        }
        return MessageDigest.isEqual(hash(salt, presented), storedHash);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
    }
}
