package io.socialink.gateway.keys;

import java.util.Base64;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;

/** The registration rules of docs/architecture.md; every violation is a 400 {@code bad-request}. */
public final class RegistrationValidator {

    public static final int MIN_REGISTRATION_ID = 1;
    public static final int MAX_REGISTRATION_ID = 16380;
    public static final int IDENTITY_KEY_BYTES = 33;
    /** libsignal's type byte of a Curve25519 public key. */
    public static final byte DJB_KEY_TYPE = 0x05;

    private RegistrationValidator() {
    }

    /** A registration that passed validation, identity key decoded. */
    public record ValidRegistration(String userId, int registrationId, byte[] identityKey) {
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
        if (request.identityKey() == null) {
            throw bad("identityKey is required");
        }
        byte[] identityKey;
        try {
            identityKey = Base64.getDecoder().decode(request.identityKey());
        } catch (IllegalArgumentException e) {
            throw bad("identityKey must be base64");
        }
        if (identityKey.length != IDENTITY_KEY_BYTES || identityKey[0] != DJB_KEY_TYPE) {
            throw bad("identityKey must be 33 bytes starting with 0x05");
        }
        return new ValidRegistration(userId, registrationId, identityKey);
    }

    private static ProblemException bad(String detail) {
        return Problem.badRequest(detail).toException();
    }
}
