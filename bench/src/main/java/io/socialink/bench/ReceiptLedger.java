package io.socialink.bench;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Matches "delivered" receipts seen on the sender's devices to the recipient's ack of the same message (the
 * receipt's {@code targetMessageId}), so the delay from ack to receipt is known per sender device: the first of
 * them to show it and the last (when every observing device has). Receipts about another device than the
 * recipient's (a sender's linked device acking its own copy) are counted apart, as are repeats. Thread-safe.
 */
final class ReceiptLedger {

    /** How one receipt matched; {@code delayNanos} is from the ack, meaningful when it matched. */
    record Match(boolean first, boolean last, boolean measured, long delayNanos) {

        static final Match NONE = new Match(false, false, false, 0);

        boolean matched() {
            return first || last;
        }
    }

    private final int observers;
    private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();
    private final LongAdder acks = new LongAdder();
    private final LongAdder firstSeen = new LongAdder();
    private final LongAdder allSeen = new LongAdder();
    private final LongAdder repeated = new LongAdder();
    private final LongAdder otherDevice = new LongAdder();
    private final LongAdder unmatched = new LongAdder();

    /** @param observers sender devices that each must see every receipt, 1..31 */
    ReceiptLedger(int observers) {
        if (observers < 1 || observers > 31) {
            throw new IllegalArgumentException("observers must be within 1..31: " + observers);
        }
        this.observers = observers;
    }

    /** The recipient device acked its copy at {@code ackNanos}; a repeated ack of the same message is ignored. */
    void acked(UUID messageId, String recipientAddress, boolean measured, long ackNanos) {
        if (entries.putIfAbsent(messageId, new Entry(recipientAddress, measured, ackNanos)) == null) {
            acks.increment();
        }
    }

    /** A receipt about {@code aboutAddress} for {@code targetMessageId}, seen by observer {@code observer}. */
    Match receipt(UUID targetMessageId, String aboutAddress, int observer, long seenNanos) {
        if (observer < 0 || observer >= observers) {
            throw new IllegalArgumentException("no observer " + observer);
        }
        Entry entry = entries.get(targetMessageId);
        if (entry == null) {
            unmatched.increment();
            return Match.NONE;
        }
        if (!entry.recipientAddress.equals(aboutAddress)) {
            otherDevice.increment();
            return Match.NONE;
        }
        int seen;
        synchronized (entry) {
            int bit = 1 << observer;
            if ((entry.seenMask & bit) != 0) {
                repeated.increment();
                return Match.NONE;
            }
            entry.seenMask |= bit;
            seen = Integer.bitCount(entry.seenMask);
        }
        boolean first = seen == 1;
        boolean last = seen == observers;
        if (first) {
            firstSeen.increment();
        }
        if (last) {
            allSeen.increment();
        }
        return new Match(first, last, entry.measured, seenNanos - entry.ackNanos);
    }

    /** Acks recorded (each message once). */
    long acks() {
        return acks.sum();
    }

    /** Messages whose receipt at least one observer has seen. */
    long firstSeen() {
        return firstSeen.sum();
    }

    /** Messages whose receipt every observer has seen. */
    long allSeen() {
        return allSeen.sum();
    }

    /** The same observer saw the receipt of a message again. */
    long repeated() {
        return repeated.sum();
    }

    /** Receipts about a device that is not the message's recipient. */
    long otherDevice() {
        return otherDevice.sum();
    }

    /** Receipts for a message no recipient acked in this run. */
    long unmatched() {
        return unmatched.sum();
    }

    /** Acked messages that some observer has not seen the receipt of yet. */
    long incomplete() {
        return acks.sum() - allSeen.sum();
    }

    /** Measured messages, by how many observers saw their receipt: index 0 = none, {@code observers} = all. */
    long[] measuredBySeen() {
        long[] counts = new long[observers + 1];
        for (Entry entry : entries.values()) {
            if (entry.measured) {
                synchronized (entry) {
                    counts[Integer.bitCount(entry.seenMask)]++;
                }
            }
        }
        return counts;
    }

    private static final class Entry {

        final String recipientAddress;
        final boolean measured;
        final long ackNanos;
        int seenMask;

        Entry(String recipientAddress, boolean measured, long ackNanos) {
            this.recipientAddress = recipientAddress;
            this.measured = measured;
            this.ackNanos = ackNanos;
        }
    }
}
