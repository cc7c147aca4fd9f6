package io.socialink.client.mls;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Group ids as the API spells them: the MLS group id in base64url without padding, 1–64 bytes decoded. Only the
 * canonical spelling is accepted, so one group has exactly one id string.
 */
public final class GroupIds {

    public static final int MAX_BYTES = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private GroupIds() {}

    /** The group id bytes; an {@link IllegalArgumentException} when {@code groupId} is not a canonical id. */
    public static byte[] decode(String groupId) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(groupId == null ? "" : groupId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("groupId must be base64url without padding: " + groupId, e);
        }
        if (bytes.length < 1 || bytes.length > MAX_BYTES || !encode(bytes).equals(groupId)) {
            throw new IllegalArgumentException("groupId must be canonical base64url of 1-64 bytes: " + groupId);
        }
        return bytes;
    }

    public static String encode(byte[] groupId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(groupId);
    }

    /** The id of a group named by UTF-8 text (at most 64 bytes), e.g. {@code team} → {@code dGVhbQ}. */
    public static String fromName(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 1 || bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("a group name is 1-64 bytes of UTF-8");
        }
        return encode(bytes);
    }

    /** A fresh random 16-byte group id. */
    public static String random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return encode(bytes);
    }

    /** {@code text} when it already is a canonical group id, else the id of the group named {@code text}. */
    public static String of(String text) {
        try {
            decode(text);
            return text;
        } catch (IllegalArgumentException e) {
            return fromName(text);
        }
    }
}
