package io.socialink.bench;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per sequence number, whether the gateway acknowledged the send (201) and whether a recipient socket received
 * it, so loss is counted exactly: acknowledged but never received. Thread-safe.
 */
final class MessageLedger {

    private static final int ACKED = 1;
    private static final int RECEIVED = 2;

    private final AtomicIntegerArray states;
    private final LongAdder acked = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder unknown = new LongAdder();

    MessageLedger(int capacity) {
        this.states = new AtomicIntegerArray(capacity);
    }

    void acked(long sequence) {
        if (set((int) sequence, ACKED)) {
            acked.increment();
        }
    }

    /** True on the first reception of the sequence number. */
    boolean received(long sequence) {
        if (sequence < 0 || sequence >= states.length()) {
            unknown.increment();
            return false;
        }
        if (set((int) sequence, RECEIVED)) {
            received.increment();
            return true;
        }
        duplicates.increment();
        return false;
    }

    long acked() {
        return acked.sum();
    }

    long received() {
        return received.sum();
    }

    long duplicates() {
        return duplicates.sum();
    }

    /** Receptions that carried no sequence number of this run. */
    long unknown() {
        return unknown.sum();
    }

    /** Acknowledged by the gateway but not received (yet). */
    long lost() {
        long lost = 0;
        for (int i = 0; i < states.length(); i++) {
            if (states.get(i) == ACKED) {
                lost++;
            }
        }
        return lost;
    }

    private boolean set(int index, int flag) {
        while (true) {
            int current = states.get(index);
            if ((current & flag) != 0) {
                return false;
            }
            if (states.compareAndSet(index, current, current | flag)) {
                return true;
            }
        }
    }
}
