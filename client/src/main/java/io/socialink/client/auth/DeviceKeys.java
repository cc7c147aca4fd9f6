package io.socialink.client.auth;

import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.util.KeyHelper;

/**
 * Single per-device values for callers that need one without a whole {@code DeviceKeyMaterial}: a fresh libsignal
 * identity public key (33 bytes, type byte 0x05) and a registration id in libsignal's range.
 */
public final class DeviceKeys {

    public static final int IDENTITY_KEY_LENGTH = 33;
    public static final byte DJB_KEY_TYPE = 0x05;
    public static final int MAX_REGISTRATION_ID = 16380;

    private DeviceKeys() {}

    /** The public half of a freshly generated identity key pair whose private half is discarded. */
    public static byte[] randomIdentityKey() {
        return IdentityKeyPair.generate().getPublicKey().serialize();
    }

    /** A registration id in {@code 1..16380}, the range libsignal uses. */
    public static int randomRegistrationId() {
        return KeyHelper.generateRegistrationId(false);
    }
}
