package io.socialink.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * Records latencies in microseconds, measured from a message's intended send time, from many threads without
 * locking; the progress reporter and the final report read a cumulative copy.
 */
final class LatencyRecorder {

    private static final int SIGNIFICANT_DIGITS = 3;

    private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
    private final Histogram total = new Histogram(SIGNIFICANT_DIGITS);
    private @Nullable Histogram interval;

    void record(long intendedNanos, long completedNanos) {
        long micros = TimeUnit.NANOSECONDS.toMicros(Math.max(0, completedNanos - intendedNanos));
        recorder.recordValue(micros);
    }

    /** Everything recorded so far. */
    synchronized Histogram cumulative() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        return total.copy();
    }
}
