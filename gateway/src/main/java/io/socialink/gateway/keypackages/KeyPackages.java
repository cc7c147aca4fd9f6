package io.socialink.gateway.keypackages;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.mls.InvalidMlsMessageException;
import io.socialink.gateway.mls.MlsShape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.mls.codec.CredentialType;
import org.bouncycastle.mls.codec.KeyPackage;
import org.bouncycastle.mls.codec.MLSInputStream;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.MLSOutputStream;
import org.bouncycastle.mls.codec.ProtocolVersion;
import org.bouncycastle.mls.codec.WireFormat;
import org.bouncycastle.mls.crypto.MlsCipherSuite;
import org.jspecify.annotations.Nullable;

/**
 * Reads KeyPackages with the bcmls codec (no keys involved): an uploaded {@code MLSMessage(KeyPackage)} must decode
 * completely and canonically, use cipher suite 1, carry valid leaf-node and KeyPackage signatures and a basic
 * credential whose identity is the UTF-8 device address {@code userId.deviceId}. Its KeyPackageRef is the suite's
 * RefHash ({@code "MLS 1.0 KeyPackage Reference"}) of the KeyPackage's encoding, as RFC 9420 §5.2 defines it and as
 * a Welcome addresses new members.
 */
public final class KeyPackages {

    /** {@code MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519}, the only suite the service accepts. */
    public static final int CIPHER_SUITE = MlsCipherSuite.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
    /** A KeyPackage of suite 1 is about 300 bytes; anything near this bound is not one a client made. */
    public static final int MAX_KEY_PACKAGE_BYTES = 16 * 1024;

    private static final String REF_LABEL = "MLS 1.0 KeyPackage Reference";
    /**
     * bcmls's cipher suites are JVM-wide singletons ({@code MlsCipherSuite.getSuite}, also behind every decoded
     * KeyPackage) with one stateful signer and one digest each: concurrent requests verifying signatures or hashing
     * refs corrupt each other's results (valid KeyPackages refused as badly signed, wrong refs). Those calls are
     * serialized on this lock; they take well under a millisecond.
     */
    private static final Object BCMLS = new Object();

    private KeyPackages() {}

    /**
     * A KeyPackage the service read.
     *
     * @param ref      its KeyPackageRef
     * @param identity its credential's identity as a device address; null when the identity is not one
     * @param message  the {@code MLSMessage(KeyPackage)} encoding handed to claimers
     */
    public record Parsed(byte[] ref, @Nullable DeviceAddress identity, byte @Nullable [] message) {}

    /** Why a KeyPackage was refused. */
    public static final class InvalidKeyPackageException extends Exception {

        public InvalidKeyPackageException(String message) {
            super(message, null, false, false);
        }
    }

    /** Validates an uploaded {@code MLSMessage(KeyPackage)} completely, signatures included. */
    public static Parsed parseUpload(byte[] bytes) throws InvalidKeyPackageException {
        if (bytes.length > MAX_KEY_PACKAGE_BYTES) {
            throw new InvalidKeyPackageException("a KeyPackage is at most " + MAX_KEY_PACKAGE_BYTES + " bytes");
        }
        try {
            MlsShape.check(bytes, MlsShape.WIRE_KEY_PACKAGE, "the KeyPackage");
        } catch (InvalidMlsMessageException e) {
            throw new InvalidKeyPackageException(Objects.requireNonNullElse(e.getMessage(), "invalid KeyPackage"));
        }
        MLSMessage message;
        try {
            message = (MLSMessage) MLSInputStream.decode(bytes, MLSMessage.class);
            if (message.version != ProtocolVersion.mls10
                    || message.wireFormat != WireFormat.mls_key_package
                    || message.keyPackage == null) {
                throw new InvalidKeyPackageException("not an MLS 1.0 KeyPackage message");
            }
            if (!Arrays.equals(MLSOutputStream.encode(message), bytes)) {
                throw new InvalidKeyPackageException("the KeyPackage is truncated, padded or not canonically encoded");
            }
        } catch (InvalidKeyPackageException e) {
            throw e;
        } catch (Exception e) {
            // bcmls signals malformed input with IOException or index errors (unknown enum values)
            throw new InvalidKeyPackageException("the KeyPackage does not parse");
        }
        KeyPackage keyPackage = message.keyPackage;
        Parsed parsed = inspect(keyPackage, bytes);
        try {
            boolean valid;
            synchronized (BCMLS) {
                valid = keyPackage.verify();
            }
            if (!valid) {
                throw new InvalidKeyPackageException("the KeyPackage's signature is not valid");
            }
        } catch (InvalidKeyPackageException e) {
            throw e;
        } catch (Exception e) {
            throw new InvalidKeyPackageException("the KeyPackage's signature is not valid");
        }
        return parsed;
    }

    /**
     * Reads the suite, identity and ref of a KeyPackage decoded from a larger message (an Add proposal). The
     * signature is not checked: a known ref already names a KeyPackage verified at upload, the ref hash covering it.
     */
    public static Parsed inspect(KeyPackage keyPackage, byte @Nullable [] message) throws InvalidKeyPackageException {
        if (keyPackage.getSuite() == null || keyPackage.getSuite().getSuiteID() != CIPHER_SUITE) {
            throw new InvalidKeyPackageException("the KeyPackage must use cipher suite " + CIPHER_SUITE);
        }
        if (keyPackage.getLeafNode() == null
                || keyPackage.getLeafNode().getCredential() == null
                || keyPackage.getLeafNode().getCredential().getCredentialType() != CredentialType.basic) {
            throw new InvalidKeyPackageException("the KeyPackage must carry a basic credential");
        }
        byte[] ref;
        try {
            ref = ref(keyPackage);
        } catch (IOException | RuntimeException e) {
            throw new InvalidKeyPackageException("the KeyPackage does not encode");
        }
        return new Parsed(ref, identity(keyPackage.getLeafNode().getCredential().getIdentity()), message);
    }

    /** The KeyPackageRef of {@code keyPackage}. */
    public static byte[] ref(KeyPackage keyPackage) throws IOException {
        byte[] encoded = MLSOutputStream.encode(keyPackage);
        synchronized (BCMLS) {
            return keyPackage.getSuite().refHash(encoded, REF_LABEL);
        }
    }

    /** The device address a credential identity names, or null when it is not a valid {@code userId.deviceId}. */
    static @Nullable DeviceAddress identity(byte @Nullable [] identity) {
        if (identity == null || identity.length > 80) {
            return null;
        }
        String text = new String(identity, StandardCharsets.UTF_8);
        if (!Arrays.equals(text.getBytes(StandardCharsets.UTF_8), identity)) {
            return null;
        }
        try {
            return DeviceAddress.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
