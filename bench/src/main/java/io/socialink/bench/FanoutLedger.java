package io.socialink.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Arrival times of group copies, per messageId (every device's copy of one group message or Welcome carries the same
 * id) and per receiving device (index 0..devices-1): the first arrival of a (messageId, device) counts, a later one
 * is counted as a duplicate and left out of the figures. Written by the socket listeners, read by the bench thread.
 */
final class FanoutLedger {

    private static final long NONE = Long.MIN_VALUE;

    private final int devices;
    private final Map<UUID, Slot> slots = new ConcurrentHashMap<>();
    private final LongAdder duplicates = new LongAdder();

    FanoutLedger(int devices) {
        this.devices = devices;
    }

    /** One message's copies. */
    static final class Slot {

        final UUID messageId;
        final int ciphertextType;
        private final AtomicLongArray arrivals;
        private final AtomicInteger count = new AtomicInteger();

        Slot(UUID messageId, int ciphertextType, int devices) {
            this.messageId = messageId;
            this.ciphertextType = ciphertextType;
            this.arrivals = new AtomicLongArray(devices);
            for (int i = 0; i < devices; i++) {
                arrivals.set(i, NONE);
            }
        }

        int count() {
            return count.get();
        }

        /** The arrival times recorded so far ({@link System#nanoTime()}), in device order. */
        long[] arrivals() {
            long[] times = new long[count()];
            int n = 0;
            for (int i = 0; i < arrivals.length() && n < times.length; i++) {
                long time = arrivals.get(i);
                if (time != NONE) {
                    times[n++] = time;
                }
            }
            return n == times.length ? times : java.util.Arrays.copyOf(times, n);
        }

        /** Devices without an arrival yet, at most {@code limit}. */
        List<Integer> missing(int limit) {
            List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < arrivals.length() && missing.size() < limit; i++) {
                if (arrivals.get(i) == NONE) {
                    missing.add(i);
                }
            }
            return missing;
        }
    }

    void arrived(UUID messageId, int ciphertextType, int device, long nanos) {
        Slot slot = slots.computeIfAbsent(messageId, id -> new Slot(id, ciphertextType, devices));
        if (slot.arrivals.compareAndSet(device, NONE, nanos)) {
            slot.count.incrementAndGet();
        } else {
            duplicates.increment();
        }
    }

    /** Copies that arrived again on a device that had that messageId already (not counted in any figure). */
    long duplicates() {
        return duplicates.sum();
    }

    /** Slots whose messageId is not in {@code known}. */
    List<Slot> others(java.util.Set<UUID> known) {
        return slots.values().stream()
                .filter(slot -> !known.contains(slot.messageId))
                .toList();
    }

    /** The slot of a Welcome, once one arrived anywhere; null otherwise. */
    @Nullable
    Slot welcome() {
        for (Slot slot : slots.values()) {
            if (slot.ciphertextType == io.socialink.client.socket.Envelope.MLS_WELCOME) {
                return slot;
            }
        }
        return null;
    }

    /**
     * Waits until every device has the message {@code find} names; throws with what is missing after {@code timeout}.
     */
    Slot awaitComplete(String what, Supplier<@Nullable Slot> find, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Slot slot = find.get();
            if (slot != null && slot.count() == devices) {
                return slot;
            }
            if (System.nanoTime() - deadline > 0) {
                int have = slot == null ? 0 : slot.count();
                throw new IllegalStateException(String.format(
                        java.util.Locale.ROOT,
                        "%s: %d of %d devices had it after %d s%s",
                        what,
                        have,
                        devices,
                        timeout.toSeconds(),
                        slot == null ? "" : " (missing e.g. device indexes " + slot.missing(10) + ")"));
            }
            Thread.sleep(1);
        }
    }

    @Nullable
    Slot slot(UUID messageId) {
        return slots.get(messageId);
    }
}
