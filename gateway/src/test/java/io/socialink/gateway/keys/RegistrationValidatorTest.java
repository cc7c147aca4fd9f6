package io.socialink.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;

import io.socialink.gateway.problem.ProblemException;
import org.junit.jupiter.api.Test;

class RegistrationValidatorTest {

    private static String key(int length, byte first) {
        byte[] key = new byte[length];
        key[0] = first;
        return Base64.getEncoder().encodeToString(key);
    }

    private static void assertBadRequest(String userId, RegistrationRequest request) {
        assertThatThrownBy(() -> RegistrationValidator.validate(userId, request))
                .isInstanceOfSatisfying(ProblemException.class,
                        e -> assertThat(e.problem().name()).isEqualTo("bad-request"));
    }

    @Test
    void shouldAcceptA33ByteDjbKeyAndRegistrationIdInRange() {
        // when
        RegistrationValidator.ValidRegistration low = RegistrationValidator.validate("bob",
                new RegistrationRequest(1, key(33, (byte) 5)));
        RegistrationValidator.ValidRegistration high = RegistrationValidator.validate("bob",
                new RegistrationRequest(16380, key(33, (byte) 5)));

        // then
        assertThat(low.identityKey()).hasSize(33);
        assertThat(high.registrationId()).isEqualTo(16380);
    }

    @Test
    void shouldRejectBadIdentityKeys() {
        assertBadRequest("bob", new RegistrationRequest(1, key(32, (byte) 5)));
        assertBadRequest("bob", new RegistrationRequest(1, key(34, (byte) 5)));
        assertBadRequest("bob", new RegistrationRequest(1, key(33, (byte) 4)));
        assertBadRequest("bob", new RegistrationRequest(1, "%%%"));
        assertBadRequest("bob", new RegistrationRequest(1, null));
    }

    @Test
    void shouldRejectRegistrationIdsOutOfRange() {
        assertBadRequest("bob", new RegistrationRequest(0, key(33, (byte) 5)));
        assertBadRequest("bob", new RegistrationRequest(16381, key(33, (byte) 5)));
        assertBadRequest("bob", new RegistrationRequest(null, key(33, (byte) 5)));
    }

    @Test
    void shouldRejectInvalidUserIdsAndMissingBody() {
        assertBadRequest("bob.1", new RegistrationRequest(1, key(33, (byte) 5)));
        assertBadRequest("x".repeat(65), new RegistrationRequest(1, key(33, (byte) 5)));
        assertBadRequest("bob", null);
    }
}
