package io.socialink.client.mls;

import io.socialink.client.auth.DeviceCredentials;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Objects;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.TreeKEM.LeafNode;
import org.bouncycastle.mls.TreeKEM.LifeTime;
import org.bouncycastle.mls.codec.Capabilities;
import org.bouncycastle.mls.codec.Credential;
import org.bouncycastle.mls.codec.Extension;
import org.bouncycastle.mls.crypto.MlsCipherSuite;
import org.jspecify.annotations.Nullable;

/**
 * One device's MLS identity: an Ed25519 signature key pair (made once per identity, kept in memory only) and a basic
 * credential whose identity is the UTF-8 device address {@code userId.deviceId}, the form the KeyPackage directory
 * checks. Cipher suite 1, {@code MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519}. Immutable and thread-safe.
 */
public final class MlsIdentity {

    /** The only cipher suite the service accepts. */
    public static final short CIPHER_SUITE = MlsCipherSuite.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

    private final String userId;
    private final int deviceId;
    private final MlsCipherSuite suite;
    private final AsymmetricCipherKeyPair signatureKeys;
    private final byte[] signaturePrivateKey;

    private MlsIdentity(String userId, int deviceId) throws Exception {
        this.userId = Objects.requireNonNull(userId, "userId");
        this.deviceId = deviceId;
        this.suite = MlsCipherSuite.getSuite(CIPHER_SUITE);
        this.signatureKeys = Bcmls.call(suite::generateSignatureKeyPair);
        this.signaturePrivateKey = suite.serializeSignaturePrivateKey(signatureKeys.getPrivate());
    }

    /** A fresh identity (new signature key pair) for the device. */
    public static MlsIdentity generate(String userId, int deviceId) {
        try {
            return new MlsIdentity(userId, deviceId);
        } catch (Exception e) {
            throw new MlsException("cannot make an MLS identity: " + e.getMessage(), e);
        }
    }

    public static MlsIdentity generate(DeviceCredentials device) {
        return generate(device.userId(), device.deviceId());
    }

    public String userId() {
        return userId;
    }

    public int deviceId() {
        return deviceId;
    }

    /** {@code userId.deviceId}, the credential identity. */
    public String address() {
        return userId + "." + deviceId;
    }

    public MlsCipherSuite suite() {
        return suite;
    }

    AsymmetricCipherKeyPair signatureKeys() {
        return signatureKeys;
    }

    byte[] signaturePrivateKey() {
        return signaturePrivateKey.clone();
    }

    Credential credential() {
        return Credential.forBasic(address().getBytes(StandardCharsets.UTF_8));
    }

    /** A leaf node of this device for the given HPKE encryption key pair. */
    LeafNode leafNode(AsymmetricCipherKeyPair encryptionKeys) throws Exception {
        return new LeafNode(
                suite,
                suite.getHPKE().serializePublicKey(encryptionKeys.getPublic()),
                suite.serializeSignaturePublicKey(signatureKeys.getPublic()),
                credential(),
                new Capabilities(),
                new LifeTime(),
                new ArrayList<Extension>(),
                signaturePrivateKey);
    }

    /** The credential identity of a leaf as text, or null when the leaf is blank. */
    static @Nullable String identityOf(@Nullable LeafNode leaf) {
        return leaf == null ? null : new String(leaf.getCredential().getIdentity(), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "MlsIdentity[" + address() + "]";
    }
}
