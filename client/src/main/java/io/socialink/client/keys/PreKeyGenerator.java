package io.socialink.client.keys;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyType;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

/**
 * Generates prekeys with libsignal and signs them the way the key directory checks them: XEdDSA by the device's
 * identity private key over the serialized public key, type byte included. Key ids live in {@code 1..16,777,215}
 * and wrap around. Stateless and thread-safe; the caller keeps the id counters.
 */
public final class PreKeyGenerator {

    /** The largest key id the directory accepts (a 24-bit "medium" as in Signal). */
    public static final int MAX_KEY_ID = 0xFFFFFF;
    /** One-time prekeys of each kind per registration or upload, the directory's per-request cap. */
    public static final int MAX_ONE_TIME_PREKEYS = 100;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;

    public PreKeyGenerator(Clock clock) {
        this.clock = clock;
    }

    public PreKeyGenerator() {
        this(Clock.systemUTC());
    }

    /** A random first key id, so devices do not all start at the same id. */
    public static int randomKeyId() {
        return 1 + RANDOM.nextInt(MAX_KEY_ID);
    }

    /** The id after {@code id}, wrapping to 1. */
    public static int nextKeyId(int id) {
        return id >= MAX_KEY_ID ? 1 : id + 1;
    }

    public SignedPreKeyRecord signedPreKey(IdentityKeyPair identity, int keyId) {
        ECKeyPair pair = ECKeyPair.generate();
        byte[] signature =
                identity.getPrivateKey().calculateSignature(pair.getPublicKey().serialize());
        return new SignedPreKeyRecord(keyId, clock.millis(), pair, signature);
    }

    public KyberPreKeyRecord kyberPreKey(IdentityKeyPair identity, int keyId) {
        KEMKeyPair pair = KEMKeyPair.generate(KEMKeyType.KYBER_1024);
        byte[] signature =
                identity.getPrivateKey().calculateSignature(pair.getPublicKey().serialize());
        return new KyberPreKeyRecord(keyId, clock.millis(), pair, signature);
    }

    /** {@code count} one-time EC prekeys with consecutive ids from {@code firstId}. */
    public List<PreKeyRecord> preKeys(int firstId, int count) {
        List<PreKeyRecord> keys = new ArrayList<>(count);
        int id = firstId;
        for (int i = 0; i < count; i++) {
            keys.add(new PreKeyRecord(id, ECKeyPair.generate()));
            id = nextKeyId(id);
        }
        return keys;
    }

    /** {@code count} one-time Kyber prekeys with consecutive ids from {@code firstId}. */
    public List<KyberPreKeyRecord> kyberPreKeys(IdentityKeyPair identity, int firstId, int count) {
        List<KyberPreKeyRecord> keys = new ArrayList<>(count);
        int id = firstId;
        for (int i = 0; i < count; i++) {
            keys.add(kyberPreKey(identity, id));
            id = nextKeyId(id);
        }
        return keys;
    }

    public static PublicPreKey publicKey(PreKeyRecord record) {
        try {
            return new PublicPreKey(
                    record.getId(), record.getKeyPair().getPublicKey().serialize(), null);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("unreadable prekey " + record.getId(), e);
        }
    }

    public static PublicPreKey publicKey(SignedPreKeyRecord record) {
        try {
            return new PublicPreKey(
                    record.getId(), record.getKeyPair().getPublicKey().serialize(), record.getSignature());
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("unreadable signed prekey " + record.getId(), e);
        }
    }

    public static PublicPreKey publicKey(KyberPreKeyRecord record) {
        try {
            return new PublicPreKey(
                    record.getId(), record.getKeyPair().getPublicKey().serialize(), record.getSignature());
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("unreadable Kyber prekey " + record.getId(), e);
        }
    }

    public static List<PublicPreKey> publicPreKeys(List<PreKeyRecord> records) {
        return records.stream().map(PreKeyGenerator::publicKey).toList();
    }

    public static List<PublicPreKey> publicKyberPreKeys(List<KyberPreKeyRecord> records) {
        return records.stream().map(PreKeyGenerator::publicKey).toList();
    }
}
