package io.socialink.analytics.topology;

import java.nio.ByteBuffer;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One UTC day's figures: devices active, groups created, devices added to and removed from groups (churn), the
 * sizes (members) of the groups active that day, each group counted once at its latest size, and the calls that
 * ended that day by outcome with the answered calls' total length.
 */
final class DayFigures {

    /** Upper bounds of the group size buckets; the last one takes the rest (groups hold at most 1,500 members). */
    static final int[] SIZE_BOUNDS = {2, 10, 100, 500, Integer.MAX_VALUE};

    static final String[] SIZE_NAMES = {"1-2", "3-10", "11-100", "101-500", "501-1500"};

    /** The outcomes of calls, as metadata.calls names them. */
    static final List<String> CALL_OUTCOMES = List.of("completed", "declined", "missed", "cancelled", "busy");

    long activeDevices;
    long groupsCreated;
    long devicesAdded;
    long devicesRemoved;
    final long[] groupSizes = new long[SIZE_BOUNDS.length];
    final long[] callsEnded = new long[CALL_OUTCOMES.size()];
    long callMillis;

    static int bucket(long members) {
        for (int i = 0; i < SIZE_BOUNDS.length; i++) {
            if (members <= SIZE_BOUNDS[i]) {
                return i;
            }
        }
        return SIZE_BOUNDS.length - 1;
    }

    String toJson(String day) {
        StringBuilder json = new StringBuilder("{\"day\":\"")
                .append(day)
                .append("\",\"activeDevices\":")
                .append(activeDevices)
                .append(",\"groups\":{\"created\":")
                .append(groupsCreated)
                .append(",\"devicesAdded\":")
                .append(devicesAdded)
                .append(",\"devicesRemoved\":")
                .append(devicesRemoved)
                .append(",\"sizes\":{");
        for (int i = 0; i < SIZE_NAMES.length; i++) {
            json.append(i == 0 ? "" : ",")
                    .append('"')
                    .append(SIZE_NAMES[i])
                    .append("\":")
                    .append(groupSizes[i]);
        }
        json.append("}},\"calls\":{");
        for (int i = 0; i < CALL_OUTCOMES.size(); i++) {
            json.append('"')
                    .append(CALL_OUTCOMES.get(i))
                    .append("\":")
                    .append(callsEnded[i])
                    .append(',');
        }
        return json.append("\"durationMillis\":")
                .append(callMillis)
                .append("}}")
                .toString();
    }

    byte[] toBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES * (5 + groupSizes.length + callsEnded.length));
        buffer.putLong(activeDevices)
                .putLong(groupsCreated)
                .putLong(devicesAdded)
                .putLong(devicesRemoved);
        for (long count : groupSizes) {
            buffer.putLong(count);
        }
        for (long count : callsEnded) {
            buffer.putLong(count);
        }
        buffer.putLong(callMillis);
        return buffer.array();
    }

    static DayFigures fromBytes(byte @Nullable [] stored) {
        DayFigures figures = new DayFigures();
        if (stored != null) {
            ByteBuffer buffer = ByteBuffer.wrap(stored);
            figures.activeDevices = buffer.getLong();
            figures.groupsCreated = buffer.getLong();
            figures.devicesAdded = buffer.getLong();
            figures.devicesRemoved = buffer.getLong();
            for (int i = 0; i < figures.groupSizes.length; i++) {
                figures.groupSizes[i] = buffer.getLong();
            }
            // figures stored before calls were counted end here
            if (buffer.remaining() >= Long.BYTES * (figures.callsEnded.length + 1)) {
                for (int i = 0; i < figures.callsEnded.length; i++) {
                    figures.callsEnded[i] = buffer.getLong();
                }
                figures.callMillis = buffer.getLong();
            }
        }
        return figures;
    }
}
