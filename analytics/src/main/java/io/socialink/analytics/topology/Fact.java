package io.socialink.analytics.topology;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * One contribution to the figures of a UTC minute or day, travelling from the processors that read the metadata
 * topics to the one that keeps the figures (through a repartition topic keyed by {@link #minute} or {@link #day}).
 * A subject (the device of an active-device fact, the group of a size fact) is a short hash, never a user id.
 */
record Fact(Type type, String subject, long value) {

    enum Type {
        ONE_TO_ONE,
        NOTE_TO_SELF,
        GROUP_MESSAGE,
        SENT_TO_DELIVERED,
        DELIVERED_TO_READ,
        ACTIVE_DEVICE,
        GROUP_CREATED,
        DEVICES_ADDED,
        DEVICES_REMOVED,
        GROUP_SIZE,
        /** A call ended; the subject is its outcome (completed, declined, missed, cancelled, busy). */
        CALL_ENDED,
        /** The length of an answered call, accepted to ended, in milliseconds. */
        CALL_DURATION
    }

    static final String MINUTE = "m:";
    static final String DAY = "d:";
    private static final DateTimeFormatter MINUTE_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);

    static Fact of(Type type, long value) {
        return new Fact(type, "", value);
    }

    /** The key of the minute {@code at} falls in: {@code m:2026-12-05T07:41Z}. */
    static String minute(Instant at) {
        return MINUTE + MINUTE_FORMAT.format(at.truncatedTo(ChronoUnit.MINUTES));
    }

    /** The key of the UTC day {@code at} falls in: {@code d:2026-12-05}. */
    static String day(Instant at) {
        return DAY + at.atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** A stable 96-bit hash of an identifier, so that no user id reaches the figures' topics and stores. */
    static String subject(String identifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identifier.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String encode() {
        return type + "\t" + subject + "\t" + value;
    }

    static Fact decode(String encoded) {
        String[] parts = encoded.split("\t", 3);
        return new Fact(Type.valueOf(parts[0]), parts[1], Long.parseLong(parts[2]));
    }
}
