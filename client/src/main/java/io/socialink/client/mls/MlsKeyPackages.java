package io.socialink.client.mls;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.codec.Extension;
import org.bouncycastle.mls.codec.KeyPackage;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.MLSOutputStream;
import org.bouncycastle.mls.codec.Welcome;
import org.bouncycastle.mls.crypto.MlsCipherSuite;

/**
 * The KeyPackages this device made and the private halves (init and leaf encryption keys) needed to join a group
 * from a Welcome that names one of them, keyed by KeyPackageRef (RFC 9420 §5.2). In memory only: a restarted client
 * cannot join through KeyPackages it uploaded before, so it uploads fresh ones (and a fresh last-resort one, which
 * replaces the old one in the directory). A one-time KeyPackage is forgotten once a Welcome used it; last-resort ones
 * are kept, since the directory may hand each out many times (earlier last-resort ones too, until they are replaced
 * and no Welcome names them any more). Thread-safe.
 */
public final class MlsKeyPackages {

    private static final String REF_LABEL = "MLS 1.0 KeyPackage Reference";

    private final MlsIdentity identity;
    private final Map<String, Secrets> byRef = new LinkedHashMap<>();

    /** A KeyPackage with its private halves. */
    record Secrets(
            String ref,
            KeyPackage keyPackage,
            AsymmetricCipherKeyPair initKeys,
            AsymmetricCipherKeyPair encryptionKeys,
            boolean lastResort) {}

    public MlsKeyPackages(MlsIdentity identity) {
        this.identity = Objects.requireNonNull(identity, "identity");
    }

    /** {@code count} new one-time KeyPackages, each an encoded {@code MLSMessage} ready to upload. */
    public List<byte[]> generate(int count) {
        List<byte[]> encoded = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            encoded.add(make(false));
        }
        return encoded;
    }

    /** A new last-resort KeyPackage (reusable), encoded. */
    public byte[] generateLastResort() {
        return make(true);
    }

    /** One-time KeyPackages made and not used by a Welcome yet. */
    public synchronized int oneTimeCount() {
        return (int)
                byRef.values().stream().filter(secrets -> !secrets.lastResort()).count();
    }

    /** The KeyPackageRef (hex) of an encoded KeyPackage message. */
    public static String ref(MlsCipherSuite suite, KeyPackage keyPackage) {
        try {
            return HexFormat.of().formatHex(suite.refHash(MLSOutputStream.encode(keyPackage), REF_LABEL));
        } catch (IOException e) {
            throw new MlsException("cannot encode a KeyPackage", e);
        }
    }

    /** The KeyPackage of ours that {@code welcome} is addressed to, or null. */
    Secrets find(Welcome welcome) throws Exception {
        List<Secrets> candidates;
        synchronized (this) {
            candidates = new ArrayList<>(byRef.values());
        }
        // outside this object's monitor: make() takes the bcmls lock first, then the monitor
        return Bcmls.call(() -> {
            for (Secrets secrets : candidates) {
                if (welcome.find(secrets.keyPackage()) >= 0) {
                    return secrets;
                }
            }
            return null;
        });
    }

    /** Forgets a one-time KeyPackage once a Welcome used it; last-resort ones stay. */
    synchronized void used(Secrets secrets) {
        if (!secrets.lastResort()) {
            byRef.remove(secrets.ref());
        }
    }

    private byte[] make(boolean lastResort) {
        try {
            MlsCipherSuite suite = identity.suite();
            return Bcmls.call(() -> {
                AsymmetricCipherKeyPair initKeys = suite.getHPKE().generatePrivateKey();
                AsymmetricCipherKeyPair encryptionKeys = suite.getHPKE().generatePrivateKey();
                KeyPackage keyPackage = new KeyPackage(
                        suite,
                        suite.getHPKE().serializePublicKey(initKeys.getPublic()),
                        identity.leafNode(encryptionKeys),
                        new ArrayList<Extension>(),
                        identity.signaturePrivateKey());
                String ref = ref(suite, keyPackage);
                synchronized (this) {
                    byRef.put(ref, new Secrets(ref, keyPackage, initKeys, encryptionKeys, lastResort));
                }
                return MLSOutputStream.encode(MLSMessage.keyPackage(keyPackage));
            });
        } catch (MlsException e) {
            throw e;
        } catch (Exception e) {
            throw new MlsException("cannot make a KeyPackage: " + e.getMessage(), e);
        }
    }
}
