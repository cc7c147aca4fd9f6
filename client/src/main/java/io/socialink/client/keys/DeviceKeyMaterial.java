package io.socialink.client.keys;

import java.util.List;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;
import org.signal.libsignal.protocol.util.KeyHelper;

/**
 * Everything a new device generates before it registers, private halves included: identity key pair,
 * registration id, signed EC prekey, Kyber last-resort prekey and the one-time EC and Kyber prekeys, plus the next
 * free key ids. Kyber one-time and last-resort keys share one id space, as they share libsignal's store.
 */
public record DeviceKeyMaterial(
        IdentityKeyPair identity,
        int registrationId,
        SignedPreKeyRecord signedPreKey,
        KyberPreKeyRecord pqLastResortPreKey,
        List<PreKeyRecord> preKeys,
        List<KyberPreKeyRecord> pqPreKeys,
        int nextPreKeyId,
        int nextPqPreKeyId,
        int nextSignedPreKeyId) {

    public DeviceKeyMaterial {
        preKeys = List.copyOf(preKeys);
        pqPreKeys = List.copyOf(pqPreKeys);
    }

    /** Fresh keys with {@code oneTimePreKeys} (0..100) one-time prekeys of each kind. */
    public static DeviceKeyMaterial generate(int oneTimePreKeys) {
        return generate(new PreKeyGenerator(), oneTimePreKeys);
    }

    public static DeviceKeyMaterial generate(PreKeyGenerator generator, int oneTimePreKeys) {
        if (oneTimePreKeys < 0 || oneTimePreKeys > PreKeyGenerator.MAX_ONE_TIME_PREKEYS) {
            throw new IllegalArgumentException("one-time prekeys must be within 0.."
                    + PreKeyGenerator.MAX_ONE_TIME_PREKEYS + ": " + oneTimePreKeys);
        }
        IdentityKeyPair identity = IdentityKeyPair.generate();
        int signedId = PreKeyGenerator.randomKeyId();
        int preKeyId = PreKeyGenerator.randomKeyId();
        int lastResortId = PreKeyGenerator.randomKeyId();
        SignedPreKeyRecord signed = generator.signedPreKey(identity, signedId);
        KyberPreKeyRecord lastResort = generator.kyberPreKey(identity, lastResortId);
        List<PreKeyRecord> preKeys = generator.preKeys(preKeyId, oneTimePreKeys);
        int pqPreKeyId = PreKeyGenerator.nextKeyId(lastResortId);
        List<KyberPreKeyRecord> pqPreKeys = generator.kyberPreKeys(identity, pqPreKeyId, oneTimePreKeys);
        return new DeviceKeyMaterial(
                identity,
                KeyHelper.generateRegistrationId(false),
                signed,
                lastResort,
                preKeys,
                pqPreKeys,
                advance(preKeyId, oneTimePreKeys),
                advance(pqPreKeyId, oneTimePreKeys),
                PreKeyGenerator.nextKeyId(signedId));
    }

    /** The public halves, as registered with the key directory. */
    public RegistrationKeys publicKeys() {
        return new RegistrationKeys(
                registrationId,
                identity.getPublicKey().serialize(),
                PreKeyGenerator.publicKey(signedPreKey),
                PreKeyGenerator.publicKey(pqLastResortPreKey),
                PreKeyGenerator.publicPreKeys(preKeys),
                PreKeyGenerator.publicKyberPreKeys(pqPreKeys));
    }

    private static int advance(int id, int steps) {
        for (int i = 0; i < steps; i++) {
            id = PreKeyGenerator.nextKeyId(id);
        }
        return id;
    }

    @Override
    public String toString() {
        // keeps private keys out of logs
        return "DeviceKeyMaterial[registrationId=" + registrationId + ", " + preKeys.size() + " EC and "
                + pqPreKeys.size() + " Kyber one-time prekeys]";
    }
}
