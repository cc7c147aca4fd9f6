package io.socialink.delivery.queue;

import io.socialink.schemas.avro.Delivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.jspecify.annotations.Nullable;

/**
 * The per-device queues of one Streams task over its state stores: entries in arrival order, a messageId index
 * for idempotency and acks, the recently acknowledged messageIds (a window store whose old segments drop by
 * themselves), a deadline index in time order, the queue states and the counts of repeated pushes. Every method
 * keeps the stores consistent with each other; {@link QueueState} is passed in and returned so the caller stores
 * it once per event.
 *
 * <p>Each write that reaches a commit is a changelog record, so the common case writes little: an entry that is
 * pushed and acked before the next commit leaves nothing in the entries and index stores (the record cache drops a
 * key written and deleted in between, see {@code UnflushedDeletes}), only its acked messageId; nothing goes to
 * the deadline index (a queue is indexed once, see {@link Deadline}) and no push count (only a push after the
 * first is counted).
 */
public final class DeviceQueues {

    /** Names of the state stores, also the suffix of their changelog topics. */
    public static final String ENTRIES = "delivery-queue-entries";

    public static final String IDS = "delivery-queue-ids";
    public static final String ACKED = "delivery-acked";
    public static final String DEADLINES = "delivery-deadlines";
    public static final String STATES = "delivery-queue-states";
    public static final String PUSH_COUNTS = "delivery-push-counts";

    private static final byte[] PRESENT = new byte[0];

    /** How far the worker's clock may step back and still find an ack it stored just before. */
    static final long CLOCK_STEP_BACK_MILLIS = 60_000;

    private final KeyValueStore<Bytes, Delivery> entries;
    private final KeyValueStore<Bytes, Long> ids;
    private final WindowStore<Bytes, Long> acked;
    private final KeyValueStore<Bytes, byte[]> deadlines;
    private final KeyValueStore<String, QueueState> states;
    private final KeyValueStore<Bytes, Integer> pushCounts;
    private final long ttlMillis;
    private final long ackedRetentionMillis;

    public DeviceQueues(
            KeyValueStore<Bytes, Delivery> entries,
            KeyValueStore<Bytes, Long> ids,
            WindowStore<Bytes, Long> acked,
            KeyValueStore<Bytes, byte[]> deadlines,
            KeyValueStore<String, QueueState> states,
            KeyValueStore<Bytes, Integer> pushCounts,
            Duration ttl,
            Duration ackedRetention) {
        this.entries = entries;
        this.ids = ids;
        this.acked = acked;
        this.deadlines = deadlines;
        this.states = states;
        this.pushCounts = pushCounts;
        this.ttlMillis = ttl.toMillis();
        this.ackedRetentionMillis = ackedRetention.toMillis();
    }

    /** A removed entry and the queue state after its removal. */
    public record Removed(long seq, Delivery delivery, QueueState state) {}

    /** The entries a queue sweep removed and the queue state after it. */
    public record Swept(List<Delivery> expired, QueueState state) {}

    public QueueState state(String address) {
        QueueState state = states.get(address);
        return state == null ? QueueState.EMPTY : state;
    }

    public void save(String address, QueueState state) {
        if (state.isIdle()) {
            // an idle queue restarts its sequence at zero, which is safe because nothing is queued or waited on
            states.delete(address);
        } else {
            states.put(address, state);
        }
    }

    /** Whether the messageId is queued for the device or was acknowledged within the retention window. */
    public boolean isKnown(String address, String messageId, long now) {
        Bytes key = StoreKeys.messageId(address, messageId);
        if (ids.get(key) != null) {
            return true;
        }
        // every segment the time range touches is a look-up of its own: acks are stored at the worker's clock, so
        // the range ends a little after now (a clock stepped back) rather than a whole retention later
        try (WindowStoreIterator<Long> ackedAt = acked.fetch(
                key, Math.max(0, now - ackedRetentionMillis + 1), saturatedAdd(now, CLOCK_STEP_BACK_MILLIS))) {
            return ackedAt.hasNext();
        }
    }

    /** When an entry expires: its {@code expiresAt} or the queue TTL after {@code sentAt}, whichever is first. */
    public long deadlineOf(Delivery delivery) {
        return deadlineOf(delivery, ttlMillis);
    }

    /** {@link #deadlineOf(Delivery)} under a queue TTL of {@code ttlMillis}, for readers without the stores. */
    public static long deadlineOf(Delivery delivery, long ttlMillis) {
        long byTtl = ttlDeadlineOf(delivery, ttlMillis);
        return delivery.getExpiresAt() == null
                ? byTtl
                : Math.min(byTtl, delivery.getExpiresAt().toEpochMilli());
    }

    private static long ttlDeadlineOf(Delivery delivery, long ttlMillis) {
        return saturatedAdd(delivery.getSentAt().toEpochMilli(), ttlMillis);
    }

    /** Whether the entry has a key of its own in the deadline index: it expires before the queue TTL. */
    private boolean expiresEarly(Delivery delivery) {
        return delivery.getExpiresAt() != null
                && delivery.getExpiresAt().toEpochMilli() < ttlDeadlineOf(delivery, ttlMillis);
    }

    /** Appends the delivery; the new entry's sequence number is the given state's {@code nextSeq}. */
    public QueueState append(String address, QueueState state, Delivery delivery) {
        long seq = state.nextSeq();
        entries.put(StoreKeys.entry(address, seq), delivery);
        ids.put(StoreKeys.messageId(address, delivery.getMessageId()), seq);
        if (expiresEarly(delivery)) {
            deadlines.put(
                    Deadline.entry(delivery.getExpiresAt().toEpochMilli(), address, seq)
                            .toKey(),
                    PRESENT);
        }
        return indexQueue(address, state.appended(), ttlDeadlineOf(delivery, ttlMillis));
    }

    /** Keeps the queue indexed no later than {@code ttlDeadline}; a queue indexed earlier already stays as it is. */
    private QueueState indexQueue(String address, QueueState state, long ttlDeadline) {
        if (state.indexedAt() >= 0 && state.indexedAt() <= ttlDeadline) {
            return state;
        }
        if (state.indexedAt() >= 0) {
            deadlines.delete(Deadline.queue(state.indexedAt(), address).toKey());
        }
        deadlines.put(Deadline.queue(ttlDeadline, address).toKey(), PRESENT);
        return state.indexed(ttlDeadline);
    }

    /** Removes the entry queued under {@code messageId}; null when there is none. */
    public @Nullable Removed removeMessage(String address, QueueState state, String messageId) {
        Long seq = ids.get(StoreKeys.messageId(address, messageId));
        return seq == null ? null : remove(address, state, seq);
    }

    /** Removes the oldest entry; null when the queue is empty. */
    public @Nullable Removed removeHead(String address, QueueState state) {
        try (KeyValueIterator<Bytes, Delivery> head = range(address, 0, Long.MAX_VALUE)) {
            return head.hasNext() ? remove(address, state, StoreKeys.seqOf(head.next().key)) : null;
        }
    }

    /**
     * Removes entry {@code seq}, which the caller knows is queued (it just read it, or the messageId index names it):
     * the delete itself returns the entry, so it is not looked up first. Null when it was gone after all.
     */
    public @Nullable Removed remove(String address, QueueState state, long seq) {
        Bytes key = StoreKeys.entry(address, seq);
        Delivery delivery = entries.delete(key);
        if (delivery == null) {
            return null;
        }
        ids.delete(StoreKeys.messageId(address, delivery.getMessageId()));
        if (expiresEarly(delivery)) {
            deadlines.delete(Deadline.entry(delivery.getExpiresAt().toEpochMilli(), address, seq)
                    .toKey());
        }
        // a delete is a changelog record even for a key that is not there: look first, where there may be one
        if (state.mayBeCounted(seq) && pushCounts.get(key) != null) {
            pushCounts.delete(key);
        }
        return new Removed(seq, delivery, state.removed(seq));
    }

    /** How often entry {@code seq} was pushed without being acknowledged, across connections and restarts. */
    public int pushCount(String address, QueueState state, long seq) {
        if (!state.wasPushed(seq)) {
            // the common case, an entry on its first push, needs no look-up: counts are only stored for pushes
            // after the first (a format-1 state predates pushedBefore, and its entries' first repeat goes uncounted)
            return 0;
        }
        Integer count = state.mayBeCounted(seq) ? pushCounts.get(StoreKeys.entry(address, seq)) : null;
        return count != null ? count : 1;
    }

    /**
     * Counts one more push of entry {@code seq}, which had been pushed {@code pushesBefore} times
     * ({@link #pushCount}); the first push is known from the state alone ({@link QueueState#wasPushed}), so only a
     * repeated one writes, and the returned state says so.
     */
    public QueueState countPush(String address, QueueState state, long seq, int pushesBefore) {
        if (pushesBefore == 0) {
            return state;
        }
        pushCounts.put(StoreKeys.entry(address, seq), pushesBefore + 1);
        return state.counted(seq);
    }

    /** Keeps an acknowledged messageId for the retention window, so a late duplicate is not queued again. */
    public void rememberAcked(String address, String messageId, long now) {
        acked.put(StoreKeys.messageId(address, messageId), now, now);
    }

    /**
     * Up to {@code limit} queued entries from {@code fromSeq} on, in queue order. Read in ranges of {@code limit}
     * sequence numbers: a range read copies every key it spans out of the record cache, so a range open to the end
     * of a long queue cost as much as the whole queue for every window top-up. Sequence numbers have gaps only where
     * entries left out of order, so the first range is nearly always enough.
     */
    public List<Entry> entriesFrom(String address, QueueState state, long fromSeq, int limit) {
        List<Entry> found = new ArrayList<>();
        long last = state.nextSeq() - 1;
        for (long from = fromSeq; from <= last && found.size() < limit; ) {
            long to = Math.min(last, saturatedAdd(from, limit - found.size() - 1));
            try (KeyValueIterator<Bytes, Delivery> iterator = range(address, from, to)) {
                while (iterator.hasNext()) {
                    KeyValue<Bytes, Delivery> entry = iterator.next();
                    found.add(new Entry(StoreKeys.seqOf(entry.key), entry.value));
                }
            }
            from = to + 1;
        }
        return found;
    }

    /** Entry {@code seq}, if it is queued. */
    public @Nullable Delivery entry(String address, long seq) {
        return entries.get(StoreKeys.entry(address, seq));
    }

    /** Whether an entry with a sequence number up to {@code seq} is still queued. */
    public boolean hasEntryUpTo(String address, QueueState state, long seq) {
        if (seq < 0 || state.count() == 0) {
            return false;
        }
        try (KeyValueIterator<Bytes, Delivery> iterator = range(address, 0, seq)) {
            return iterator.hasNext();
        }
    }

    /** Up to {@code limit} deadlines due at {@code now}, oldest first. */
    public List<Deadline> due(long now, int limit) {
        List<Deadline> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> iterator = deadlines.range(Deadline.first(), Deadline.dueUpTo(now))) {
            while (iterator.hasNext() && due.size() < limit) {
                due.add(Deadline.fromKey(iterator.next().key));
            }
        }
        return due;
    }

    /**
     * The queue's deadline {@code due} fell due: removes every entry due at {@code now} (the whole queue is read,
     * which happens about once per queue TTL) and indexes the queue again at the earliest queue-TTL deadline left,
     * or takes it out of the index when it is empty. A key the queue is no longer indexed under is only dropped.
     */
    public Swept sweepQueue(Deadline due, QueueState state, long now) {
        deadlines.delete(due.toKey());
        if (state.indexedAt() != due.at()) {
            return new Swept(List.of(), state);
        }
        String address = due.address();
        List<Entry> expired = new ArrayList<>();
        long earliest = Long.MAX_VALUE;
        try (KeyValueIterator<Bytes, Delivery> iterator = range(address, 0, Long.MAX_VALUE)) {
            while (iterator.hasNext()) {
                KeyValue<Bytes, Delivery> entry = iterator.next();
                if (deadlineOf(entry.value) <= now) {
                    expired.add(new Entry(StoreKeys.seqOf(entry.key), entry.value));
                } else {
                    earliest = Math.min(earliest, ttlDeadlineOf(entry.value, ttlMillis));
                }
            }
        }
        List<Delivery> removed = new ArrayList<>();
        QueueState after = state.indexed(-1);
        for (Entry entry : expired) {
            Removed gone = remove(address, after, entry.seq());
            if (gone != null) {
                after = gone.state();
                removed.add(gone.delivery());
            }
        }
        if (earliest != Long.MAX_VALUE) {
            after = indexQueue(address, after, earliest);
        }
        return new Swept(removed, after);
    }

    /** Drops a due deadline whose entry is gone already, or one of a kind only earlier versions wrote. */
    public void forget(Deadline deadline) {
        deadlines.delete(deadline.toKey());
    }

    private KeyValueIterator<Bytes, Delivery> range(String address, long fromSeq, long toSeq) {
        return entries.range(StoreKeys.entry(address, fromSeq), StoreKeys.entry(address, toSeq));
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** One queued entry. */
    public record Entry(long seq, Delivery delivery) {}
}
