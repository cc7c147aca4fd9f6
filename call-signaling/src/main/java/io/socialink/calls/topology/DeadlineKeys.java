package io.socialink.calls.topology;

/**
 * Keys of the {@code call-deadlines} index: the deadline in epoch millis zero-padded to 13 digits, {@code |}, the
 * callId. They sort by deadline as strings (RocksDB orders keys bytewise), so the due ones are one range scan.
 */
final class DeadlineKeys {

    static final String FIRST = "0";

    private DeadlineKeys() {}

    static String of(long deadline, String callId) {
        return String.format("%013d|%s", Math.max(0, deadline), callId);
    }

    /** The upper bound of the keys due at {@code now}: {@code ~} sorts after every callId character. */
    static String upTo(long now) {
        return String.format("%013d|~", Math.max(0, now));
    }
}
