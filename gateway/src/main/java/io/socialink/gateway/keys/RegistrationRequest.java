package io.socialink.gateway.keys;

import java.util.List;

/**
 * Body of {@code POST /api/v1/keys/register/{userId}}; validated by {@link RegistrationValidator}. {@code preKeys}
 * and {@code pqPreKeys} may be omitted (no one-time prekeys yet).
 */
public record RegistrationRequest(
        Integer registrationId,
        String identityKey,
        SignedPreKeyBody signedPreKey,
        SignedPreKeyBody pqLastResortPreKey,
        List<PreKeyBody> preKeys,
        List<SignedPreKeyBody> pqPreKeys) {}
