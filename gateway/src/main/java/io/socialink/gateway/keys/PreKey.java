package io.socialink.gateway.keys;

import org.jspecify.annotations.Nullable;

/**
 * A public prekey of one device, decoded and checked: a serialized EC (33 bytes) or Kyber-1024 (1,569 bytes) public
 * key with its type byte, and for signed kinds the 64-byte signature by the device's identity key.
 *
 * @param signature null for one-time EC prekeys, which are not signed
 */
public record PreKey(int keyId, byte[] publicKey, byte @Nullable [] signature) {

    @Override
    public String toString() {
        return "PreKey[" + keyId + "]";
    }
}
