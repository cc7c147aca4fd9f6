package io.socialink.client.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.ecc.ECPublicKey;

class DeviceKeyMaterialTest {

    @Test
    void shouldSignEverySignedPreKeyWithTheIdentityKeyOverTheSerializedKey() throws Exception {
        // given
        DeviceKeyMaterial keys = DeviceKeyMaterial.generate(5);

        // when
        RegistrationKeys registration = keys.publicKeys();

        // then
        ECPublicKey identity = new IdentityKey(registration.identityKey()).getPublicKey();
        assertThat(registration.identityKey()).hasSize(33).startsWith((byte) 0x05);
        assertThat(registration.signedPreKey().publicKey()).hasSize(33).startsWith((byte) 0x05);
        assertThat(registration.signedPreKey().signature()).hasSize(64);
        assertThat(identity.verifySignature(
                        registration.signedPreKey().publicKey(),
                        registration.signedPreKey().signature()))
                .isTrue();
        assertThat(registration.pqLastResortPreKey().publicKey()).hasSize(1569);
        assertThat(identity.verifySignature(
                        registration.pqLastResortPreKey().publicKey(),
                        registration.pqLastResortPreKey().signature()))
                .isTrue();
        assertThat(registration.pqPreKeys()).hasSize(5).allSatisfy(key -> {
            assertThat(key.publicKey()).hasSize(1569);
            assertThat(identity.verifySignature(key.publicKey(), key.signature()))
                    .isTrue();
        });
        assertThat(registration.preKeys()).hasSize(5).allSatisfy(key -> {
            assertThat(key.publicKey()).hasSize(33);
            assertThat(key.signature()).isNull();
        });
    }

    @Test
    void shouldNotVerifyASignatureOverAnotherKey() throws Exception {
        // given
        RegistrationKeys registration = DeviceKeyMaterial.generate(1).publicKeys();
        ECPublicKey identity = new IdentityKey(registration.identityKey()).getPublicKey();

        // when / then
        assertThat(identity.verifySignature(
                        registration.preKeys().get(0).publicKey(),
                        registration.signedPreKey().signature()))
                .isFalse();
    }

    @Test
    void shouldGiveDistinctKeyIdsInRangeAndContinueAfterThem() {
        // given
        DeviceKeyMaterial keys = DeviceKeyMaterial.generate(100);

        // when
        RegistrationKeys registration = keys.publicKeys();

        // then
        Set<Integer> kyberIds = new HashSet<>();
        kyberIds.add(registration.pqLastResortPreKey().keyId());
        registration.pqPreKeys().forEach(key -> kyberIds.add(key.keyId()));
        assertThat(kyberIds).hasSize(101).allMatch(id -> id >= 1 && id <= PreKeyGenerator.MAX_KEY_ID);
        assertThat(registration.preKeys().stream().map(PublicPreKey::keyId).distinct())
                .hasSize(100);
        assertThat(kyberIds).doesNotContain(keys.nextPqPreKeyId());
        List<Integer> ecIds =
                registration.preKeys().stream().map(PublicPreKey::keyId).toList();
        assertThat(ecIds).doesNotContain(keys.nextPreKeyId());
        assertThat(keys.registrationId()).isBetween(1, 16380);
    }

    @Test
    void shouldRegisterWithoutOneTimePreKeysWhenAskedForNone() {
        // when
        RegistrationKeys registration = DeviceKeyMaterial.generate(0).publicKeys();

        // then
        assertThat(registration.preKeys()).isEmpty();
        assertThat(registration.pqPreKeys()).isEmpty();
        assertThat(registration.signedPreKey()).isNotNull();
        assertThat(registration.pqLastResortPreKey()).isNotNull();
    }

    @Test
    void shouldRefuseMoreOneTimePreKeysThanTheDirectoryAccepts() {
        // when / then
        assertThatThrownBy(() -> DeviceKeyMaterial.generate(101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeviceKeyMaterial.generate(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldWrapKeyIdsAroundTheMaximum() {
        // when / then
        assertThat(PreKeyGenerator.nextKeyId(PreKeyGenerator.MAX_KEY_ID)).isEqualTo(1);
        assertThat(new PreKeyGenerator().preKeys(PreKeyGenerator.MAX_KEY_ID, 2))
                .extracting(record -> record.getId())
                .containsExactly(PreKeyGenerator.MAX_KEY_ID, 1);
    }
}
