package io.socialink.client.keys;

import java.util.Base64;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The public half of one prekey as the key directory exchanges it: key id, serialized public key (type byte
 * included) and, for signed EC and all Kyber prekeys, the identity key's signature over that serialized key.
 * {@code signature} is null for one-time EC prekeys.
 */
public record PublicPreKey(int keyId, byte[] publicKey, byte @Nullable [] signature) {

    // not a compact constructor: NullAway does not see the @Nullable of an array component on its implicit parameter
    public PublicPreKey(int keyId, byte[] publicKey, byte @Nullable [] signature) {
        this.keyId = keyId;
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
        this.signature = signature;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PublicPreKey that
                && keyId == that.keyId
                && java.util.Arrays.equals(publicKey, that.publicKey)
                && java.util.Arrays.equals(signature, that.signature);
    }

    @Override
    public int hashCode() {
        return 31 * keyId + java.util.Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return "PublicPreKey[" + keyId + ", "
                + Base64.getEncoder().encodeToString(publicKey).substring(0, 8) + "..]";
    }
}
