package io.socialink.gateway.keys;

import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.kem.KEMPublicKey;
import org.springframework.http.HttpStatus;

/**
 * The key rules of docs/architecture.md ("Key directory"), checked with libsignal so the server accepts exactly the
 * keys clients can use: 400 {@code bad-request} for malformed keys (base64, length, type byte, key id range), 422
 * {@code too-many-prekeys} past the per-request cap, 409 {@code duplicate-prekey-id} for a key id given twice, 422
 * {@code bad-signature} when a signature does not verify against the device's identity key over the serialized
 * public key (type byte included).
 */
public final class PreKeyRules {

    public static final int EC_KEY_BYTES = 33;
    public static final int KYBER_KEY_BYTES = 1569;
    public static final int SIGNATURE_BYTES = 64;
    /** libsignal's type byte of a Curve25519 public key. */
    public static final byte EC_KEY_TYPE = 0x05;
    /** libsignal's type byte of a Kyber-1024 public key. */
    public static final byte KYBER_1024_KEY_TYPE = 0x08;

    public static final int MAX_KEY_ID = 0xFF_FFFF;
    public static final int MAX_PER_REQUEST = 100;

    /** Which kind of public key a prekey carries. */
    public enum Kind {
        EC(EC_KEY_BYTES, EC_KEY_TYPE, "EC"),
        KYBER(KYBER_KEY_BYTES, KYBER_1024_KEY_TYPE, "Kyber-1024");

        private final int bytes;
        private final byte type;
        private final String label;

        Kind(int bytes, byte type, String label) {
            this.bytes = bytes;
            this.type = type;
            this.label = label;
        }
    }

    private PreKeyRules() {}

    /** The identity key of a registration; 400 unless it is a 33-byte Curve25519 key. */
    public static IdentityKey identityKey(String base64) {
        byte[] bytes = decode("identityKey", base64);
        if (bytes.length != EC_KEY_BYTES || bytes[0] != EC_KEY_TYPE) {
            throw bad("identityKey must be 33 bytes starting with 0x05");
        }
        try {
            return new IdentityKey(bytes);
        } catch (InvalidKeyException e) {
            throw bad("identityKey is not a valid public key");
        }
    }

    /** The identity key of a stored device (already validated when it was registered). */
    public static IdentityKey storedIdentityKey(byte[] bytes) {
        try {
            return new IdentityKey(bytes);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("stored identity key is invalid", e);
        }
    }

    /** A one-time EC prekey, decoded and shape-checked. */
    public static PreKey oneTime(String field, PreKeyBody body) {
        if (body == null) {
            throw bad(field + " is required");
        }
        return new PreKey(keyId(field, body.keyId()), publicKey(field, body.publicKey(), Kind.EC), null);
    }

    /** A signed prekey of {@code kind}, decoded and shape-checked; its signature is verified by {@link #verify}. */
    public static PreKey signed(String field, SignedPreKeyBody body, Kind kind) {
        if (body == null) {
            throw bad(field + " is required");
        }
        int keyId = keyId(field, body.keyId());
        byte[] publicKey = publicKey(field, body.publicKey(), kind);
        byte[] signature = decode(field + ".signature", body.signature());
        if (signature.length != SIGNATURE_BYTES) {
            throw bad(field + ".signature must be " + SIGNATURE_BYTES + " bytes");
        }
        return new PreKey(keyId, publicKey, signature);
    }

    /** A list of one-time EC prekeys (null is none): capped, decoded, ids distinct. */
    public static List<PreKey> oneTimeList(String field, List<PreKeyBody> bodies) {
        List<PreKeyBody> list = bodies == null ? List.of() : bodies;
        requireCap(field, list.size());
        List<PreKey> keys = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            keys.add(oneTime(field + "[" + i + "]", list.get(i)));
        }
        requireDistinct(field, keys);
        return keys;
    }

    /** A list of signed one-time prekeys of {@code kind} (null is none): capped, decoded, ids distinct. */
    public static List<PreKey> signedList(String field, List<SignedPreKeyBody> bodies, Kind kind) {
        List<SignedPreKeyBody> list = bodies == null ? List.of() : bodies;
        requireCap(field, list.size());
        List<PreKey> keys = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            keys.add(signed(field + "[" + i + "]", list.get(i), kind));
        }
        requireDistinct(field, keys);
        return keys;
    }

    /** 409 {@code duplicate-prekey-id} when two of {@code keys} share a key id. */
    public static void requireDistinct(String field, List<PreKey> keys) {
        Set<Integer> seen = new HashSet<>();
        for (PreKey key : keys) {
            if (!seen.add(key.keyId())) {
                throw duplicate(field + " has key id " + key.keyId() + " more than once");
            }
        }
    }

    /** 422 {@code bad-signature} unless {@code key}'s signature is {@code identity}'s over its public key. */
    public static void verify(String field, IdentityKey identity, PreKey key) {
        if (!identity.getPublicKey().verifySignature(key.publicKey(), key.signature())) {
            throw Problem.of(
                            HttpStatus.UNPROCESSABLE_CONTENT,
                            "bad-signature",
                            field + " (key id " + key.keyId() + ") is not signed by the device's identity key")
                    .toException();
        }
    }

    /** Verifies every key of {@code keys}, stopping at the first bad signature. */
    public static void verifyAll(String field, IdentityKey identity, List<PreKey> keys) {
        for (PreKey key : keys) {
            verify(field, identity, key);
        }
    }

    public static ProblemException duplicate(String detail) {
        return Problem.of(HttpStatus.CONFLICT, "duplicate-prekey-id", detail).toException();
    }

    public static ProblemException tooMany(String detail) {
        return Problem.of(HttpStatus.UNPROCESSABLE_CONTENT, "too-many-prekeys", detail)
                .toException();
    }

    private static void requireCap(String field, int size) {
        if (size > MAX_PER_REQUEST) {
            throw tooMany(field + " has " + size + " keys, at most " + MAX_PER_REQUEST + " per request");
        }
    }

    private static int keyId(String field, Integer keyId) {
        if (keyId == null || keyId < 0 || keyId > MAX_KEY_ID) {
            throw bad(field + ".keyId must be 0.." + MAX_KEY_ID);
        }
        return keyId;
    }

    private static byte[] publicKey(String field, String base64, Kind kind) {
        byte[] bytes = decode(field + ".publicKey", base64);
        if (bytes.length != kind.bytes || bytes[0] != kind.type) {
            throw bad(field + ".publicKey must be a " + kind.label + " public key of " + kind.bytes
                    + " bytes starting with 0x0" + kind.type);
        }
        try {
            if (kind == Kind.EC) {
                new ECPublicKey(bytes);
            } else {
                new KEMPublicKey(bytes);
            }
        } catch (InvalidKeyException e) {
            throw bad(field + ".publicKey is not a valid " + kind.label + " public key");
        }
        return bytes;
    }

    private static byte[] decode(String field, String base64) {
        if (base64 == null) {
            throw bad(field + " is required");
        }
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw bad(field + " must be base64");
        }
    }

    private static ProblemException bad(String detail) {
        return Problem.badRequest(detail).toException();
    }
}
