package io.socialink.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.gateway.problem.ProblemException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistrationValidatorTest {

    private final TestKeys keys = TestKeys.generate();

    private static String bytes(int length, byte first) {
        byte[] key = new byte[length];
        key[0] = first;
        return Base64.getEncoder().encodeToString(key);
    }

    private RegistrationRequest valid() {
        return keys.registration(4711, 3, 3);
    }

    private static RegistrationRequest withIdentity(RegistrationRequest r, Integer registrationId, String identity) {
        return new RegistrationRequest(
                registrationId, identity, r.signedPreKey(), r.pqLastResortPreKey(), r.preKeys(), r.pqPreKeys());
    }

    private static RegistrationRequest withSigned(
            RegistrationRequest r, SignedPreKeyBody signed, SignedPreKeyBody lastResort) {
        return new RegistrationRequest(
                r.registrationId(), r.identityKey(), signed, lastResort, r.preKeys(), r.pqPreKeys());
    }

    private static RegistrationRequest withOneTime(
            RegistrationRequest r, List<PreKeyBody> preKeys, List<SignedPreKeyBody> pqPreKeys) {
        return new RegistrationRequest(
                r.registrationId(), r.identityKey(), r.signedPreKey(), r.pqLastResortPreKey(), preKeys, pqPreKeys);
    }

    private static void assertProblem(String userId, RegistrationRequest request, String name) {
        assertThatThrownBy(() -> RegistrationValidator.validate(userId, request))
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        e -> assertThat(e.problem().name()).isEqualTo(name));
    }

    @Test
    void shouldAcceptACompleteRegistrationSignedByItsIdentityKey() {
        // when
        RegistrationValidator.ValidRegistration registration = RegistrationValidator.validate("bob", valid());

        // then
        assertThat(registration.identityKey()).hasSize(33);
        assertThat(registration.signedPreKey().publicKey()).hasSize(33);
        assertThat(registration.signedPreKey().signature()).hasSize(64);
        assertThat(registration.pqLastResortPreKey().publicKey()).hasSize(1569).startsWith((byte) 0x08);
        assertThat(registration.preKeys()).hasSize(3);
        assertThat(registration.pqPreKeys()).extracting(PreKey::keyId).containsExactly(2, 3, 4);
    }

    @Test
    void shouldAcceptARegistrationWithoutOneTimePreKeys() {
        // when
        RegistrationValidator.ValidRegistration registration =
                RegistrationValidator.validate("bob", withOneTime(valid(), null, null));

        // then
        assertThat(registration.preKeys()).isEmpty();
        assertThat(registration.pqPreKeys()).isEmpty();
    }

    @Test
    void shouldRejectBadIdentityKeys() {
        assertProblem("bob", withIdentity(valid(), 1, bytes(32, (byte) 5)), "bad-request");
        assertProblem("bob", withIdentity(valid(), 1, bytes(34, (byte) 5)), "bad-request");
        assertProblem("bob", withIdentity(valid(), 1, bytes(33, (byte) 4)), "bad-request");
        assertProblem("bob", withIdentity(valid(), 1, "%%%"), "bad-request");
        assertProblem("bob", withIdentity(valid(), 1, null), "bad-request");
    }

    @Test
    void shouldRejectWrongKeyLengthsAndTypeBytes() {
        RegistrationRequest r = valid();
        SignedPreKeyBody ec = r.signedPreKey();
        SignedPreKeyBody kyber = r.pqLastResortPreKey();
        assertProblem(
                "bob",
                withSigned(r, new SignedPreKeyBody(1, bytes(32, (byte) 5), ec.signature()), kyber),
                "bad-request");
        assertProblem(
                "bob",
                withSigned(r, new SignedPreKeyBody(1, bytes(33, (byte) 8), ec.signature()), kyber),
                "bad-request");
        assertProblem(
                "bob",
                withSigned(r, new SignedPreKeyBody(1, ec.publicKey(), bytes(63, (byte) 0)), kyber),
                "bad-request");
        assertProblem(
                "bob",
                withSigned(r, ec, new SignedPreKeyBody(1, bytes(1568, (byte) 8), kyber.signature())),
                "bad-request");
        assertProblem(
                "bob",
                withSigned(r, ec, new SignedPreKeyBody(1, bytes(1569, (byte) 5), kyber.signature())),
                "bad-request");
        assertProblem("bob", withSigned(r, ec, ec), "bad-request");
        assertProblem("bob", withSigned(r, null, kyber), "bad-request");
        assertProblem("bob", withSigned(r, ec, null), "bad-request");
        assertProblem("bob", withOneTime(r, List.of(new PreKeyBody(1, bytes(33, (byte) 6))), null), "bad-request");
        assertProblem("bob", withOneTime(r, null, List.of(r.signedPreKey())), "bad-request");
    }

    @Test
    void shouldRejectKeyIdsOutOfRange() {
        RegistrationRequest r = valid();
        assertProblem(
                "bob",
                withOneTime(r, List.of(new PreKeyBody(-1, keys.oneTimePreKey(1).publicKey())), null),
                "bad-request");
        assertProblem(
                "bob",
                withOneTime(
                        r, List.of(new PreKeyBody(1 << 24, keys.oneTimePreKey(1).publicKey())), null),
                "bad-request");
        assertProblem(
                "bob",
                withOneTime(
                        r, List.of(new PreKeyBody(null, keys.oneTimePreKey(1).publicKey())), null),
                "bad-request");
    }

    @Test
    void shouldRejectRegistrationIdsOutOfRange() {
        assertProblem("bob", withIdentity(valid(), 0, keys.identityKey()), "bad-request");
        assertProblem("bob", withIdentity(valid(), 16381, keys.identityKey()), "bad-request");
        assertProblem("bob", withIdentity(valid(), null, keys.identityKey()), "bad-request");
    }

    @Test
    void shouldRejectInvalidUserIdsAndMissingBody() {
        assertProblem("bob.1", valid(), "bad-request");
        assertProblem("x".repeat(65), valid(), "bad-request");
        assertProblem("bob", null, "bad-request");
    }

    @Test
    void shouldRejectASignedPreKeyNotSignedByTheIdentityKey() {
        RegistrationRequest r = valid();
        assertProblem(
                "bob",
                withSigned(r, TestKeys.signedByAnother(r.signedPreKey()), r.pqLastResortPreKey()),
                "bad-signature");
    }

    @Test
    void shouldRejectAKyberLastResortNotSignedByTheIdentityKey() {
        RegistrationRequest r = valid();
        assertProblem(
                "bob",
                withSigned(r, r.signedPreKey(), TestKeys.signedByAnother(r.pqLastResortPreKey())),
                "bad-signature");
    }

    @Test
    void shouldRejectAOneTimeKyberPreKeyNotSignedByTheIdentityKey() {
        RegistrationRequest r = valid();
        List<SignedPreKeyBody> pq = new ArrayList<>(r.pqPreKeys());
        pq.set(1, TestKeys.signedByAnother(pq.get(1)));
        assertProblem("bob", withOneTime(r, r.preKeys(), pq), "bad-signature");
    }

    @Test
    void shouldRejectMoreThan100OneTimePreKeysOfEachKind() {
        RegistrationRequest r = valid();
        assertProblem("bob", withOneTime(r, keys.oneTimePreKeys(1, 101), null), "too-many-prekeys");
        assertProblem("bob", withOneTime(r, null, keys.kyberPreKeys(2, 101)), "too-many-prekeys");
    }

    @Test
    void shouldAcceptExactly100OneTimePreKeysOfEachKind() {
        RegistrationRequest r = withOneTime(valid(), keys.oneTimePreKeys(1, 100), keys.kyberPreKeys(2, 100));
        assertThat(RegistrationValidator.validate("bob", r).pqPreKeys()).hasSize(100);
    }

    @Test
    void shouldRejectDuplicateKeyIds() {
        RegistrationRequest r = valid();
        assertProblem(
                "bob",
                withOneTime(r, List.of(keys.oneTimePreKey(7), keys.oneTimePreKey(7)), null),
                "duplicate-prekey-id");
        assertProblem(
                "bob", withOneTime(r, null, List.of(keys.kyberPreKey(7), keys.kyberPreKey(7))), "duplicate-prekey-id");
        assertProblem(
                "bob",
                withOneTime(
                        r, null, List.of(keys.kyberPreKey(r.pqLastResortPreKey().keyId()))),
                "duplicate-prekey-id");
    }
}
