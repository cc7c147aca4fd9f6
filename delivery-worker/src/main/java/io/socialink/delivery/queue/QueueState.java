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
 */
public record QueueState(
        long nextSeq, int count, long pushedThrough, int inFlight, boolean awaitingEmpty, long drainUntil) {

    private static final byte FORMAT = 1;

    public static final QueueState EMPTY = new QueueState(0, 0, -1, 0, false, -1);

    public static final Serde<QueueState> SERDE = Serdes.serdeFrom(
            (topic, state) -> state == null ? null : state.toBytes(),
            (topic, bytes) -> bytes == null ? null : fromBytes(bytes));

    /** Nothing worth storing: an empty queue that no connection waits on behaves like no record at all. */
    public boolean isIdle() {
        return count == 0 && !awaitingEmpty;
    }

    public boolean windowFull(int window) {
        return inFlight >= window;
    }

    public QueueState appended() {
        return new QueueState(nextSeq + 1, count + 1, pushedThrough, inFlight, awaitingEmpty, drainUntil);
    }

    public QueueState removed(long seq) {
        int stillInFlight = seq <= pushedThrough ? inFlight - 1 : inFlight;
        return new QueueState(nextSeq, count - 1, pushedThrough, stillInFlight, awaitingEmpty, drainUntil);
    }

    public QueueState pushed(long seq) {
        return new QueueState(nextSeq, count, seq, inFlight + 1, awaitingEmpty, drainUntil);
    }

    /** A new connection: push again from the head, and report when what is queued now is gone. */
    public QueueState connected() {
        return new QueueState(nextSeq, count, -1, 0, true, nextSeq - 1);
    }

    /** The same connection again (worker restart, task moved): push again from the head. */
    public QueueState windowRestarted() {
        return new QueueState(nextSeq, count, -1, 0, awaitingEmpty, drainUntil);
    }

    public QueueState disconnected() {
        return new QueueState(nextSeq, count, -1, 0, false, -1);
    }

    public QueueState drained() {
        return new QueueState(nextSeq, count, pushedThrough, inFlight, false, -1);
    }

    byte[] toBytes() {
        return ByteBuffer.allocate(1 + 3 * Long.BYTES + 2 * Integer.BYTES + 1)
                .put(FORMAT)
                .putLong(nextSeq)
                .putInt(count)
                .putLong(pushedThrough)
                .putInt(inFlight)
                .put((byte) (awaitingEmpty ? 1 : 0))
                .putLong(drainUntil)
                .array();
    }

    static QueueState fromBytes(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte format = buffer.get();
        if (format != FORMAT) {
            throw new SerializationException("unknown queue state format " + format);
        }
        return new QueueState(
                buffer.getLong(),
                buffer.getInt(),
                buffer.getLong(),
                buffer.getInt(),
                buffer.get() != 0,
                buffer.getLong());
    }
}
