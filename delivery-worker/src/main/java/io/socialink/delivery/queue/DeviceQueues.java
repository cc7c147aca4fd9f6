package io.socialink.delivery.queue;

import io.socialink.schemas.avro.Delivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jspecify.annotations.Nullable;

/**
 * The per-device queues of one Streams task over its state stores: entries in arrival order, a messageId index
 * for idempotency and acks, tombstones of recently acknowledged messageIds, and a deadline index in time order.
 * Every method keeps the stores consistent with each other; {@link QueueState} is passed in and returned so the
 * caller stores it once per event.
 */
public final class DeviceQueues {

    /** Names of the state stores, also the suffix of their changelog topics. */
    public static final String ENTRIES = "delivery-queue-entries";

    public static final String IDS = "delivery-queue-ids";
    public static final String ACKED = "delivery-acked-ids";
    public static final String DEADLINES = "delivery-deadlines";
    public static final String STATES = "delivery-queue-states";
    public static final String PUSH_COUNTS = "delivery-push-counts";

    private static final byte[] PRESENT = new byte[0];

    private final KeyValueStore<Bytes, Delivery> entries;
    private final KeyValueStore<Bytes, Long> ids;
    private final KeyValueStore<Bytes, Long> acked;
    private final KeyValueStore<Bytes, byte[]> deadlines;
    private final KeyValueStore<String, QueueState> states;
    private final KeyValueStore<Bytes, Integer> pushCounts;
    private final long ttlMillis;
    private final long ackedRetentionMillis;

    public DeviceQueues(
            KeyValueStore<Bytes, Delivery> entries,
            KeyValueStore<Bytes, Long> ids,
            KeyValueStore<Bytes, Long> acked,
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
    public boolean isKnown(String address, String messageId) {
        Bytes key = StoreKeys.messageId(address, messageId);
        return ids.get(key) != null || acked.get(key) != null;
    }

    /** When an entry expires: its {@code expiresAt} or the queue TTL after {@code sentAt}, whichever is first. */
    public long deadlineOf(Delivery delivery) {
        return deadlineOf(delivery, ttlMillis);
    }

    /** {@link #deadlineOf(Delivery)} under a queue TTL of {@code ttlMillis}, for readers without the stores. */
    public static long deadlineOf(Delivery delivery, long ttlMillis) {
        long byTtl = saturatedAdd(delivery.getSentAt().toEpochMilli(), ttlMillis);
        return delivery.getExpiresAt() == null
                ? byTtl
                : Math.min(byTtl, delivery.getExpiresAt().toEpochMilli());
    }

    public QueueState append(String address, QueueState state, Delivery delivery) {
        long seq = state.nextSeq();
        entries.put(StoreKeys.entry(address, seq), delivery);
        ids.put(StoreKeys.messageId(address, delivery.getMessageId()), seq);
        deadlines.put(Deadline.entry(deadlineOf(delivery), address, seq).toKey(), PRESENT);
        return state.appended();
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

    /** Removes entry {@code seq}; null when it is gone already. */
    public @Nullable Removed remove(String address, QueueState state, long seq) {
        Bytes key = StoreKeys.entry(address, seq);
        Delivery delivery = entries.get(key);
        if (delivery == null) {
            return null;
        }
        entries.delete(key);
        ids.delete(StoreKeys.messageId(address, delivery.getMessageId()));
        deadlines.delete(Deadline.entry(deadlineOf(delivery), address, seq).toKey());
        pushCounts.delete(key);
        return new Removed(seq, delivery, state.removed(seq));
    }

    /** How often entry {@code seq} was pushed without being acknowledged, across connections and restarts. */
    public int pushCount(String address, long seq) {
        Integer count = pushCounts.get(StoreKeys.entry(address, seq));
        return count == null ? 0 : count;
    }

    /** Counts one more push of entry {@code seq}. */
    public void countPush(String address, long seq) {
        Bytes key = StoreKeys.entry(address, seq);
        Integer count = pushCounts.get(key);
        pushCounts.put(key, count == null ? 1 : count + 1);
    }

    /** Keeps an acknowledged messageId for the retention window, so a late duplicate is not queued again. */
    public void rememberAcked(String address, String messageId, long now) {
        acked.put(StoreKeys.messageId(address, messageId), now);
        deadlines.put(
                Deadline.acked(now + ackedRetentionMillis, address, messageId).toKey(), PRESENT);
    }

    /** Up to {@code limit} queued entries from {@code fromSeq} on, in queue order. */
    public List<Entry> entriesFrom(String address, long fromSeq, int limit) {
        List<Entry> found = new ArrayList<>();
        try (KeyValueIterator<Bytes, Delivery> iterator = range(address, fromSeq, Long.MAX_VALUE)) {
            while (iterator.hasNext() && found.size() < limit) {
                KeyValue<Bytes, Delivery> entry = iterator.next();
                found.add(new Entry(StoreKeys.seqOf(entry.key), entry.value));
            }
        }
        return found;
    }

    /** Whether an entry with a sequence number up to {@code seq} is still queued. */
    public boolean hasEntryUpTo(String address, long seq) {
        if (seq < 0) {
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

    /** Forgets an acknowledged messageId whose retention is over. */
    public void forgetAcked(Deadline deadline) {
        deadlines.delete(deadline.toKey());
        Bytes key = StoreKeys.messageId(deadline.address(), deadline.reference());
        Long ackedAt = acked.get(key);
        if (ackedAt != null && ackedAt + ackedRetentionMillis <= deadline.at()) {
            acked.delete(key);
        }
    }

    /** Drops a due deadline of an entry that is gone already. */
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
