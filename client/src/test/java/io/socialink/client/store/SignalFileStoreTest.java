package io.socialink.client.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.keys.DeviceKeyMaterial;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.message.SignalMessage;
import org.signal.libsignal.protocol.state.IdentityKeyStore;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyBundle;
import org.signal.libsignal.protocol.state.PreKeyRecord;

class SignalFileStoreTest {

    private static final SignalProtocolAddress ALICE = new SignalProtocolAddress("alice", 1);
    private static final SignalProtocolAddress BOB = new SignalProtocolAddress("bob", 1);

    @TempDir
    Path temp;

    @Test
    void shouldKeepSessionsAcrossARestartOnBothSides() throws Exception {
        // given alice started a session from bob's bundle and bob decrypted her first message
        DeviceKeyMaterial aliceKeys = DeviceKeyMaterial.generate(1);
        DeviceKeyMaterial bobKeys = DeviceKeyMaterial.generate(1);
        SignalFileStore alice = SignalFileStore.create(temp.resolve("alice"), aliceKeys);
        SignalFileStore bob = SignalFileStore.create(temp.resolve("bob"), bobKeys);
        new SessionBuilder(alice, BOB).process(bundle(bobKeys, 1, true));
        CiphertextMessage first = new SessionCipher(alice, BOB).encrypt(bytes("first"));
        assertThat(first.getType()).isEqualTo(CiphertextMessage.PREKEY_TYPE);
        assertThat(new SessionCipher(bob, ALICE).decrypt(new PreKeySignalMessage(first.serialize())))
                .isEqualTo(bytes("first"));

        // when both restart from their directories
        SignalFileStore aliceAgain = SignalFileStore.open(temp.resolve("alice"));
        SignalFileStore bobAgain = SignalFileStore.open(temp.resolve("bob"));

        // then bob's reply decrypts on alice, and alice's next message (now a plain SignalMessage) on bob
        CiphertextMessage reply = new SessionCipher(bobAgain, ALICE).encrypt(bytes("reply"));
        assertThat(new SessionCipher(aliceAgain, BOB).decrypt(new SignalMessage(reply.serialize())))
                .isEqualTo(bytes("reply"));
        CiphertextMessage second = new SessionCipher(aliceAgain, BOB).encrypt(bytes("second"));
        assertThat(second.getType()).isEqualTo(CiphertextMessage.WHISPER_TYPE);
        assertThat(new SessionCipher(SignalFileStore.open(temp.resolve("bob")), ALICE)
                        .decrypt(new SignalMessage(second.serialize())))
                .isEqualTo(bytes("second"));
        assertThat(aliceAgain.getIdentityKeyPair().serialize())
                .isEqualTo(aliceKeys.identity().serialize());
        assertThat(aliceAgain.getLocalRegistrationId()).isEqualTo(aliceKeys.registrationId());
        assertThat(aliceAgain.sessionDevices("bob")).containsExactly(1);
    }

    @Test
    void shouldConsumeOneTimePreKeysButKeepTheLastResortKey() throws Exception {
        // given
        DeviceKeyMaterial bobKeys = DeviceKeyMaterial.generate(1);
        SignalFileStore bob = SignalFileStore.create(temp.resolve("bob"), bobKeys);
        int preKeyId = bobKeys.preKeys().get(0).getId();
        int pqPreKeyId = bobKeys.pqPreKeys().get(0).getId();
        int lastResortId = bobKeys.pqLastResortPreKey().getId();

        // when one sender uses the one-time keys and another the last-resort Kyber key
        receiveFirstMessage(bob, bundle(bobKeys, 1, true), new SignalProtocolAddress("alice", 1));
        receiveFirstMessage(bob, bundle(bobKeys, 1, false), new SignalProtocolAddress("carol", 1));

        // then the one-time keys are gone, also after a restart; the last-resort key stays
        SignalFileStore reopened = SignalFileStore.open(temp.resolve("bob"));
        assertThat(reopened.containsPreKey(preKeyId)).isFalse();
        assertThat(reopened.containsKyberPreKey(pqPreKeyId)).isFalse();
        assertThat(reopened.containsKyberPreKey(lastResortId)).isTrue();
        assertThat(reopened.preKeyCount()).isZero();
        assertThat(reopened.pqPreKeyCount()).isZero();
        assertThat(reopened.sessionDevices("carol")).containsExactly(1);
    }

    @Test
    void shouldTrustTheFirstIdentityAndRefuseAnotherUntilForgotten() {
        // given
        SignalFileStore store = SignalFileStore.create(temp.resolve("alice"), DeviceKeyMaterial.generate(0));
        IdentityKeyPair first = IdentityKeyPair.generate();
        IdentityKeyPair second = IdentityKeyPair.generate();

        // when
        store.saveIdentity(BOB, first.getPublicKey());

        // then
        assertThat(store.isTrustedIdentity(BOB, first.getPublicKey(), IdentityKeyStore.Direction.SENDING))
                .isTrue();
        assertThat(store.isTrustedIdentity(BOB, second.getPublicKey(), IdentityKeyStore.Direction.SENDING))
                .isFalse();
        assertThat(SignalFileStore.open(temp.resolve("alice")).getIdentity(BOB)).isEqualTo(first.getPublicKey());
        store.forgetIdentity(BOB);
        assertThat(store.isTrustedIdentity(BOB, second.getPublicKey(), IdentityKeyStore.Direction.RECEIVING))
                .isTrue();
    }

    @Test
    void shouldNoLongerEncryptWithAnArchivedSession() throws Exception {
        // given
        DeviceKeyMaterial bobKeys = DeviceKeyMaterial.generate(1);
        SignalFileStore alice = SignalFileStore.create(temp.resolve("alice"), DeviceKeyMaterial.generate(0));
        new SessionBuilder(alice, BOB).process(bundle(bobKeys, 1, true));

        // when
        alice.archiveSession(BOB);

        // then
        assertThat(alice.containsSession(BOB)).isFalse();
        assertThat(SignalFileStore.open(temp.resolve("alice")).sessionDevices("bob"))
                .isEmpty();
    }

    @Test
    void shouldWriteOnlyOwnerReadableFiles() throws Exception {
        // given
        DeviceKeyMaterial bobKeys = DeviceKeyMaterial.generate(2);
        Path directory = temp.resolve("store").resolve("bob.signal");

        // when
        SignalFileStore bob = SignalFileStore.create(directory, bobKeys);
        receiveFirstMessage(bob, bundle(bobKeys, 1, true), ALICE);

        // then
        try (Stream<Path> paths = Files.walk(directory)) {
            assertThat(paths.toList()).allSatisfy(path -> {
                String permissions = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
                assertThat(permissions).isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------");
                assertThat(path.getFileName().toString()).doesNotEndWith(".tmp");
            });
        }
    }

    private static void receiveFirstMessage(SignalFileStore receiver, PreKeyBundle bundle, SignalProtocolAddress sender)
            throws Exception {
        SignalFileStore senderStore =
                SignalFileStore.create(Files.createTempDirectory("sender"), DeviceKeyMaterial.generate(0));
        new SessionBuilder(senderStore, BOB).process(bundle);
        CiphertextMessage message = new SessionCipher(senderStore, BOB).encrypt(bytes("hi"));
        assertThat(new SessionCipher(receiver, sender).decrypt(new PreKeySignalMessage(message.serialize())))
                .isEqualTo(bytes("hi"));
    }

    /** The bundle the directory would hand out for the device, with or without its first one-time prekeys. */
    static PreKeyBundle bundle(DeviceKeyMaterial keys, int deviceId, boolean oneTime) throws Exception {
        PreKeyRecord preKey = oneTime ? keys.preKeys().get(0) : null;
        KyberPreKeyRecord pq = oneTime ? keys.pqPreKeys().get(0) : keys.pqLastResortPreKey();
        return new PreKeyBundle(
                keys.registrationId(),
                deviceId,
                preKey == null ? PreKeyBundle.NULL_PRE_KEY_ID : preKey.getId(),
                preKey == null ? null : preKey.getKeyPair().getPublicKey(),
                keys.signedPreKey().getId(),
                keys.signedPreKey().getKeyPair().getPublicKey(),
                keys.signedPreKey().getSignature(),
                keys.identity().getPublicKey(),
                pq.getId(),
                pq.getKeyPair().getPublicKey(),
                pq.getSignature());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
