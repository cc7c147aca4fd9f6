package io.socialink.gateway.groups;

import io.socialink.gateway.problem.Problem;
import java.util.Base64;

/** Group ids: the MLS group id, base64url without padding, 1..64 bytes decoded; 400 {@code bad-request} otherwise. */
final class GroupIds {

    static final int MAX_BYTES = 64;

    private GroupIds() {}

    /** The group id's bytes; the text must be exactly their unpadded base64url encoding. */
    static byte[] decode(String groupId) {
        byte[] bytes = null;
        if (groupId != null && !groupId.isEmpty() && groupId.length() <= 86) {
            try {
                bytes = Base64.getUrlDecoder().decode(groupId);
            } catch (IllegalArgumentException e) {
                bytes = null;
            }
        }
        if (bytes == null
                || bytes.length == 0
                || bytes.length > MAX_BYTES
                || !Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(bytes)
                        .equals(groupId)) {
            throw Problem.badRequest("groupId must be base64url without padding, 1.." + MAX_BYTES + " bytes")
                    .toException();
        }
        return bytes;
    }
}
