package io.socialink.client.keys;

import java.util.List;
import java.util.Objects;

/**
 * The public key material a device registers with (the body of {@code POST /api/v1/keys/register}): its identity
 * key, registration id, signed EC prekey, Kyber last-resort prekey and one-time EC and Kyber prekeys.
 */
public record RegistrationKeys(
        int registrationId,
        byte[] identityKey,
        PublicPreKey signedPreKey,
        PublicPreKey pqLastResortPreKey,
        List<PublicPreKey> preKeys,
        List<PublicPreKey> pqPreKeys) {

    public RegistrationKeys {
        Objects.requireNonNull(identityKey, "identityKey");
        Objects.requireNonNull(signedPreKey, "signedPreKey");
        Objects.requireNonNull(pqLastResortPreKey, "pqLastResortPreKey");
        preKeys = List.copyOf(preKeys);
        pqPreKeys = List.copyOf(pqPreKeys);
    }
}
