package io.socialink.client.auth;

import java.security.SecureRandom;

/**
 * Generates the per-device values a registration needs. The identity key is 33 random bytes in the shape of a
 * libsignal public key (type byte 0x05, then 32 bytes) until the client holds real libsignal identity keys.
 */
public final class DeviceKeys {

    public static final int IDENTITY_KEY_LENGTH = 33;
    public static final byte DJB_KEY_TYPE = 0x05;
    public static final int MAX_REGISTRATION_ID = 16380;

    private static final SecureRandom RANDOM = new SecureRandom();

    private DeviceKeys() {
    }

    public static byte[] randomIdentityKey() {
        byte[] key = new byte[IDENTITY_KEY_LENGTH];
        RANDOM.nextBytes(key);
        key[0] = DJB_KEY_TYPE;
        return key;
    }

    /** A registration id in {@code 1..16380}, the range libsignal uses. */
    public static int randomRegistrationId() {
        return 1 + RANDOM.nextInt(MAX_REGISTRATION_ID);
    }
}
