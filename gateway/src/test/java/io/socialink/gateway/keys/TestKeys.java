package io.socialink.gateway.keys;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyType;

/** A test device's real libsignal key material and the request bodies carrying its public keys. */
public final class TestKeys {

    private final IdentityKeyPair identity;

    private TestKeys(IdentityKeyPair identity) {
        this.identity = identity;
    }

    public static TestKeys generate() {
        return new TestKeys(IdentityKeyPair.generate());
    }

    public IdentityKeyPair identity() {
        return identity;
    }

    public String identityKey() {
        return base64(identity.getPublicKey().serialize());
    }

    /** A signed EC prekey, signed by this identity. */
    public SignedPreKeyBody signedPreKey(int keyId) {
        byte[] publicKey = ECKeyPair.generate().getPublicKey().serialize();
        return new SignedPreKeyBody(keyId, base64(publicKey), base64(sign(publicKey)));
    }

    /** A Kyber-1024 prekey (one-time or last resort), signed by this identity. */
    public SignedPreKeyBody kyberPreKey(int keyId) {
        byte[] publicKey =
                KEMKeyPair.generate(KEMKeyType.KYBER_1024).getPublicKey().serialize();
        return new SignedPreKeyBody(keyId, base64(publicKey), base64(sign(publicKey)));
    }

    public PreKeyBody oneTimePreKey(int keyId) {
        return new PreKeyBody(keyId, base64(ECKeyPair.generate().getPublicKey().serialize()));
    }

    public List<PreKeyBody> oneTimePreKeys(int firstKeyId, int count) {
        List<PreKeyBody> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add(oneTimePreKey(firstKeyId + i));
        }
        return keys;
    }

    public List<SignedPreKeyBody> kyberPreKeys(int firstKeyId, int count) {
        List<SignedPreKeyBody> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add(kyberPreKey(firstKeyId + i));
        }
        return keys;
    }

    /**
     * A complete registration: signed prekey id 1, Kyber last resort id 1, one-time EC prekeys from id 1, one-time
     * Kyber prekeys from id 2.
     */
    public RegistrationRequest registration(int registrationId, int preKeys, int pqPreKeys) {
        return new RegistrationRequest(
                registrationId,
                identityKey(),
                signedPreKey(1),
                kyberPreKey(1),
                oneTimePreKeys(1, preKeys),
                kyberPreKeys(2, pqPreKeys));
    }

    public byte[] sign(byte[] message) {
        return identity.getPrivateKey().calculateSignature(message);
    }

    /** {@code key} with its signature replaced by another identity's signature over the same public key. */
    public static SignedPreKeyBody signedByAnother(SignedPreKeyBody key) {
        byte[] publicKey = Base64.getDecoder().decode(key.publicKey());
        byte[] forged = IdentityKeyPair.generate().getPrivateKey().calculateSignature(publicKey);
        return new SignedPreKeyBody(key.keyId(), key.publicKey(), base64(forged));
    }

    public static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
