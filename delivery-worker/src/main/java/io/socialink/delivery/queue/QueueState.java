package io.socialink.delivery.queue;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The bookkeeping of one device's queue; the entries themselves live in their own store.
 *
 * <p>Invariant: {@code inFlight} is the number of queued entries with a sequence number up to
 * {@code pushedThrough}, i.e. pushed to the current connection and not yet acknowledged.
 *
 * @param nextSeq       the sequence number of the next appended entry
 * @param count         how many entries are queued
 * @param pushedThrough the highest sequence number pushed to the current connection, -1 when none
 * @param inFlight      pushed but unacknowledged entries
 * @param awaitingEmpty a connection waits for its QUEUE_EMPTY
 * @param drainUntil    the last sequence number queued when that connection came; QUEUE_EMPTY goes once no
 *                      entry up to it is left
 * @param pushedBefore  the highest sequence number ever pushed, to any connection, -1 when none: an entry up to
 *                      it was pushed at least once, so only a push beyond its first is counted in a store
 * @param indexedAt     the deadline under which the queue is in the deadline index ({@link Deadline.Kind#QUEUE}),
 *                      -1 when it is not; while entries are queued it is at most their earliest queue-TTL deadline
 * @param countedThrough the highest sequence number with a stored push count, -1 when none, {@link Long#MAX_VALUE}
 *                      when not known (a state of an earlier format): an entry beyond it has no count to look up
 */
public record QueueState(
        long nextSeq,
        int count,
        long pushedThrough,
        int inFlight,
        boolean awaitingEmpty,
        long drainUntil,
        long pushedBefore,
        long indexedAt,
        long countedThrough) {

    /** Format 1 lacked pushedBefore and indexedAt, format 2 countedThrough; both are still read. */
    private static final byte FORMAT_1 = 1;

    private static final byte FORMAT_2 = 2;

    private static final byte FORMAT = 3;

    public static final QueueState EMPTY = new QueueState(0, 0, -1, 0, false, -1, -1, -1, -1);

    public static final Serde<QueueState> SERDE = Serdes.serdeFrom(
            (topic, state) -> state == null ? null : state.toBytes(),
            (topic, bytes) -> bytes == null ? null : fromBytes(bytes));

    /**
     * Nothing worth storing: an empty queue that no connection waits on and that is not in the deadline index
     * behaves like no record at all.
     */
    public boolean isIdle() {
        return count == 0 && !awaitingEmpty && indexedAt < 0;
    }

    public boolean windowFull(int window) {
        return inFlight >= window;
    }

    public QueueState appended() {
        return new QueueState(
                nextSeq + 1,
                count + 1,
                pushedThrough,
                inFlight,
                awaitingEmpty,
                drainUntil,
                pushedBefore,
                indexedAt,
                countedThrough);
    }

    public QueueState removed(long seq) {
        int stillInFlight = seq <= pushedThrough ? inFlight - 1 : inFlight;
        return new QueueState(
                nextSeq,
                count - 1,
                pushedThrough,
                stillInFlight,
                awaitingEmpty,
                drainUntil,
                pushedBefore,
                indexedAt,
                countedThrough);
    }

    public QueueState pushed(long seq) {
        return new QueueState(
                nextSeq,
                count,
                seq,
                inFlight + 1,
                awaitingEmpty,
                drainUntil,
                Math.max(pushedBefore, seq),
                indexedAt,
                countedThrough);
    }

    /** Whether entry {@code seq} was pushed at least once. */
    public boolean wasPushed(long seq) {
        return seq <= pushedBefore;
    }

    /** A new connection: push again from the head, and report when what is queued now is gone. */
    public QueueState connected() {
        return new QueueState(nextSeq, count, -1, 0, true, nextSeq - 1, pushedBefore, indexedAt, countedThrough);
    }

    /** The same connection again (worker restart, task moved): push again from the head. */
    public QueueState windowRestarted() {
        return new QueueState(
                nextSeq, count, -1, 0, awaitingEmpty, drainUntil, pushedBefore, indexedAt, countedThrough);
    }

    public QueueState disconnected() {
        return new QueueState(nextSeq, count, -1, 0, false, -1, pushedBefore, indexedAt, countedThrough);
    }

    public QueueState drained() {
        return new QueueState(
                nextSeq, count, pushedThrough, inFlight, false, -1, pushedBefore, indexedAt, countedThrough);
    }

    /** In the deadline index under {@code at}, or out of it with -1. */
    public QueueState indexed(long at) {
        return new QueueState(
                nextSeq, count, pushedThrough, inFlight, awaitingEmpty, drainUntil, pushedBefore, at, countedThrough);
    }

    /** Entry {@code seq} got a stored push count. */
    public QueueState counted(long seq) {
        return new QueueState(
                nextSeq,
                count,
                pushedThrough,
                inFlight,
                awaitingEmpty,
                drainUntil,
                pushedBefore,
                indexedAt,
                Math.max(countedThrough, seq));
    }

    /** Whether entry {@code seq} may have a stored push count. */
    public boolean mayBeCounted(long seq) {
        return seq <= countedThrough;
    }

    byte[] toBytes() {
        return ByteBuffer.allocate(1 + 6 * Long.BYTES + 2 * Integer.BYTES + 1)
                .put(FORMAT)
                .putLong(nextSeq)
                .putInt(count)
                .putLong(pushedThrough)
                .putInt(inFlight)
                .put((byte) (awaitingEmpty ? 1 : 0))
                .putLong(drainUntil)
                .putLong(pushedBefore)
                .putLong(indexedAt)
                .putLong(countedThrough)
                .array();
    }

    static QueueState fromBytes(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte format = buffer.get();
        if (format != FORMAT && format != FORMAT_2 && format != FORMAT_1) {
            throw new SerializationException("unknown queue state format " + format);
        }
        long nextSeq = buffer.getLong();
        int count = buffer.getInt();
        long pushedThrough = buffer.getLong();
        int inFlight = buffer.getInt();
        boolean awaitingEmpty = buffer.get() != 0;
        long drainUntil = buffer.getLong();
        if (format == FORMAT_1) {
            // format 1 counted every push in the push-count store, so nothing is inferred from pushedBefore; its
            // entries each had their own deadline, so the queue is indexed again at its next append
            return new QueueState(
                    nextSeq, count, pushedThrough, inFlight, awaitingEmpty, drainUntil, -1, -1, Long.MAX_VALUE);
        }
        long pushedBefore = buffer.getLong();
        long indexedAt = buffer.getLong();
        // format 2 did not track which entries have a count: look each up until the queue next empties
        long countedThrough = format == FORMAT_2 ? Long.MAX_VALUE : buffer.getLong();
        return new QueueState(
                nextSeq,
                count,
                pushedThrough,
                inFlight,
                awaitingEmpty,
                drainUntil,
                pushedBefore,
                indexedAt,
                countedThrough);
    }
}
