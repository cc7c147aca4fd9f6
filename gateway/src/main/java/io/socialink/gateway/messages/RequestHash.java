package io.socialink.gateway.messages;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A SHA-256 of what a send asks for, kept with its idempotency key: a retry of the same request hashes the same,
 * another request (other content, recipients, timer) does not. Fields are length-prefixed, so no two different
 * requests write the same bytes; the result is base64url without padding.
 */
public final class RequestHash {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);

    private RequestHash(String kind) {
        text(kind);
    }

    /** The hash of a validated 1:1 send: destination, timer, and every copy in request order. */
    public static String of(ValidSend send) {
        RequestHash hash = new RequestHash("send");
        hash.text(send.destination());
        hash.number(send.expiresInSeconds() == null ? -1 : send.expiresInSeconds());
        hash.number(send.copies().size());
        for (Copy copy : send.copies()) {
            hash.text(copy.userId());
            hash.number(copy.deviceId());
            hash.number(copy.registrationId());
            hash.number(copy.type());
            hash.bytes(copy.content());
        }
        return hash.digest();
    }

    /** The hash of a group send: the group, the MLS message, and its {@code expiresAt} (epoch millis, or null). */
    public static String ofGroupMessage(String groupId, byte[] message, Long expiresAt) {
        RequestHash hash = new RequestHash("group-send");
        hash.text(groupId);
        hash.bytes(message);
        hash.number(expiresAt == null ? -1 : expiresAt);
        return hash.digest();
    }

    /** base64url of the SHA-256 of {@code bytes}, without padding. */
    public static String sha256(byte[] bytes) {
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void text(String value) {
        bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    private void bytes(byte[] value) {
        try {
            out.writeInt(value.length);
            out.write(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void number(long value) {
        try {
            out.writeLong(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String digest() {
        return sha256(bytes.toByteArray());
    }
}
