package io.socialink.gateway.messages;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;

/** Path checks of the message lifecycle endpoints: no endpoint acts for another user or device (403 otherwise). */
final class Principals {

    private Principals() {}

    static void requireUser(DeviceAddress principal, String userId) {
        if (principal == null || !principal.userId().equals(userId)) {
            throw Problem.forbidden("the path must name the authenticated user").toException();
        }
    }

    static void requireDevice(DeviceAddress principal, String userId, String deviceId) {
        requireUser(principal, userId);
        if (DeviceAddress.parseDeviceIdOrNegative(deviceId) != principal.deviceId()) {
            throw Problem.forbidden("the path must name the authenticated device")
                    .toException();
        }
    }

    /** A message id as the gateway makes them (a UUID), lower case; 400 otherwise. */
    static String messageId(String text) {
        java.util.UUID id;
        try {
            id = java.util.UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("messageId must be a UUID").toException();
        }
        if (!id.toString().equalsIgnoreCase(text)) {
            throw Problem.badRequest("messageId must be a UUID").toException();
        }
        return id.toString();
    }
}
