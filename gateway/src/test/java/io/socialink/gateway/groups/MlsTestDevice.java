package io.socialink.gateway.groups;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.TreeKEM.LeafIndex;
import org.bouncycastle.mls.TreeKEM.LeafNode;
import org.bouncycastle.mls.TreeKEM.LifeTime;
import org.bouncycastle.mls.codec.Capabilities;
import org.bouncycastle.mls.codec.Credential;
import org.bouncycastle.mls.codec.Extension;
import org.bouncycastle.mls.codec.KeyPackage;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.MLSOutputStream;
import org.bouncycastle.mls.codec.Proposal;
import org.bouncycastle.mls.codec.WireFormat;
import org.bouncycastle.mls.crypto.MlsCipherSuite;
import org.bouncycastle.mls.crypto.Secret;
import org.bouncycastle.mls.protocol.Group;

/** A test device's MLS side, built with bcmls the way clients build it: real KeyPackages, groups and commits. */
public final class MlsTestDevice {

    public static final MlsCipherSuite SUITE;

    static {
        try {
            SUITE = MlsCipherSuite.getSuite(MlsCipherSuite.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final byte[] identity;
    private final AsymmetricCipherKeyPair signature;

    public MlsTestDevice(String identity) {
        this.identity = identity.getBytes(StandardCharsets.UTF_8);
        this.signature = SUITE.generateSignatureKeyPair();
    }

    /** A fresh KeyPackage of this device. */
    public KeyPackage keyPackage() {
        try {
            AsymmetricCipherKeyPair init = SUITE.getHPKE().generatePrivateKey();
            return new KeyPackage(
                    SUITE,
                    SUITE.getHPKE().serializePublicKey(init.getPublic()),
                    leafNode(),
                    new ArrayList<Extension>(),
                    SUITE.serializeSignaturePrivateKey(signature.getPrivate()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh KeyPackage as the MLSMessage bytes a client uploads. */
    public byte[] keyPackageMessage() {
        return encode(MLSMessage.keyPackage(keyPackage()));
    }

    private LeafNode leafNode() throws Exception {
        AsymmetricCipherKeyPair encryption = SUITE.getHPKE().generatePrivateKey();
        return new LeafNode(
                SUITE,
                SUITE.getHPKE().serializePublicKey(encryption.getPublic()),
                SUITE.serializeSignaturePublicKey(signature.getPublic()),
                Credential.forBasic(identity),
                new Capabilities(),
                new LifeTime(),
                new ArrayList<Extension>(),
                SUITE.serializeSignaturePrivateKey(signature.getPrivate()));
    }

    /** A new group with this device as leaf 0. */
    public Group createGroup(byte[] groupId) {
        try {
            AsymmetricCipherKeyPair encryption = SUITE.getHPKE().generatePrivateKey();
            LeafNode leaf = new LeafNode(
                    SUITE,
                    SUITE.getHPKE().serializePublicKey(encryption.getPublic()),
                    SUITE.serializeSignaturePublicKey(signature.getPublic()),
                    Credential.forBasic(identity),
                    new Capabilities(),
                    new LifeTime(),
                    new ArrayList<Extension>(),
                    SUITE.serializeSignaturePrivateKey(signature.getPrivate()));
            return new Group(
                    groupId,
                    SUITE,
                    encryption,
                    SUITE.serializeSignaturePrivateKey(signature.getPrivate()),
                    leaf.copy(leaf.getEncryptionKey()),
                    new ArrayList<Extension>());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A commit bundle: the Commit, its Welcome (null without Adds) and the next epoch's group. */
    public record Bundle(byte[] commit, byte[] welcome, byte[] groupInfo, Group next) {}

    /** Commits Adds of {@code keyPackages} and Removes of {@code removedLeaves} on {@code group}. */
    public static Bundle commit(Group group, List<KeyPackage> keyPackages, List<Integer> removedLeaves) {
        try {
            List<Proposal> proposals = new ArrayList<>();
            for (int leaf : removedLeaves) {
                proposals.add(Proposal.remove(new LeafIndex(leaf)));
            }
            for (KeyPackage keyPackage : keyPackages) {
                proposals.add(Proposal.add(keyPackage));
            }
            byte[] leafSecret = new byte[SUITE.getKDF().getHashLength()];
            new SecureRandom().nextBytes(leafSecret);
            Group.GroupWithMessage result = group.commit(
                    new Secret(leafSecret),
                    new Group.CommitOptions(proposals, true, false, null),
                    new Group.MessageOptions(false, new byte[0], 0),
                    new Group.CommitParameters(Group.NORMAL_COMMIT_PARAMS));
            byte[] commit = encode(result.message);
            byte[] welcome = null;
            if (!keyPackages.isEmpty()) {
                MLSMessage welcomeMessage = new MLSMessage(WireFormat.mls_welcome);
                welcomeMessage.welcome = result.message.welcome;
                welcome = encode(welcomeMessage);
            }
            byte[] groupInfo = encode(result.group.getGroupInfo(true));
            return new Bundle(commit, welcome, groupInfo, result.group);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An application message (PrivateMessage) of {@code group}'s current epoch. */
    public static byte[] applicationMessage(Group group, String text) {
        try {
            return encode(group.protect(new byte[0], text.getBytes(StandardCharsets.UTF_8), 0));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] encode(MLSOutputStream.Writable writable) {
        try {
            return MLSOutputStream.encode(writable);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
