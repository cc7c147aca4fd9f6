package io.socialink.calls.topology;

/**
 * Keys of the deadline index: the deadline in epoch millis zero-padded to 13 digits, {@code |}, the callId. They sort
 * by deadline as strings, so the due ones are one head of the sorted map.
 */
final class DeadlineKeys {

    private DeadlineKeys() {}

    static String of(long deadline, String callId) {
        return String.format("%013d|%s", Math.max(0, deadline), callId);
    }

    /** The upper bound of the keys due at {@code now}: {@code ~} sorts after every callId character. */
    static String upTo(long now) {
        return String.format("%013d|~", Math.max(0, now));
    }
}
