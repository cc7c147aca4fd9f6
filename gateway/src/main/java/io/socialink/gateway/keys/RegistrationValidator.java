package io.socialink.gateway.keys;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import java.util.List;
import org.signal.libsignal.protocol.IdentityKey;

/**
 * The registration rules of docs/architecture.md: a valid registrationId and identity key, a signed EC prekey and
 * a Kyber last-resort prekey, at most 100 one-time EC and 100 one-time Kyber prekeys, every signature by the
 * identity key. Malformed input is 400 {@code bad-request}; the other outcomes are those of {@link PreKeyRules}.
 */
public final class RegistrationValidator {

    public static final int MIN_REGISTRATION_ID = 1;
    public static final int MAX_REGISTRATION_ID = 16380;

    private RegistrationValidator() {}

    /** A registration that passed validation, keys decoded and signatures verified. */
    public record ValidRegistration(
            String userId,
            int registrationId,
            byte[] identityKey,
            PreKey signedPreKey,
            PreKey pqLastResortPreKey,
            List<PreKey> preKeys,
            List<PreKey> pqPreKeys) {

        @Override
        public String toString() {
            return "ValidRegistration[" + userId + "]";
        }
    }

    public static ValidRegistration validate(String userId, RegistrationRequest request) {
        if (!DeviceAddress.isValidUserId(userId)) {
            throw bad("userId must match [A-Za-z0-9_-]{1,64}");
        }
        if (request == null) {
            throw bad("request body is required");
        }
        Integer registrationId = request.registrationId();
        if (registrationId == null || registrationId < MIN_REGISTRATION_ID || registrationId > MAX_REGISTRATION_ID) {
            throw bad("registrationId must be " + MIN_REGISTRATION_ID + ".." + MAX_REGISTRATION_ID);
        }
        IdentityKey identity = PreKeyRules.identityKey(request.identityKey());
        PreKey signedPreKey = PreKeyRules.signed("signedPreKey", request.signedPreKey(), PreKeyRules.Kind.EC);
        PreKey lastResort =
                PreKeyRules.signed("pqLastResortPreKey", request.pqLastResortPreKey(), PreKeyRules.Kind.KYBER);
        List<PreKey> preKeys = PreKeyRules.oneTimeList("preKeys", request.preKeys());
        List<PreKey> pqPreKeys = PreKeyRules.signedList("pqPreKeys", request.pqPreKeys(), PreKeyRules.Kind.KYBER);
        // one-time and last-resort Kyber prekeys share one id space in a client's Kyber prekey store
        if (pqPreKeys.stream().anyMatch(key -> key.keyId() == lastResort.keyId())) {
            throw PreKeyRules.duplicate("pqPreKeys reuses the key id " + lastResort.keyId() + " of pqLastResortPreKey");
        }
        PreKeyRules.verify("signedPreKey", identity, signedPreKey);
        PreKeyRules.verify("pqLastResortPreKey", identity, lastResort);
        PreKeyRules.verifyAll("pqPreKeys", identity, pqPreKeys);
        return new ValidRegistration(
                userId, registrationId, identity.serialize(), signedPreKey, lastResort, preKeys, pqPreKeys);
    }

    private static ProblemException bad(String detail) {
        return Problem.badRequest(detail).toException();
    }
}
