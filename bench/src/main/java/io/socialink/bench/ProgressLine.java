package io.socialink.bench;

import java.util.concurrent.TimeUnit;

/**
 * The line an open-loop bench prints every few seconds. Rates are over the interval since the last line, so a
 * stall shows when it happens instead of being averaged away over the run.
 */
abstract class ProgressLine implements Runnable {

    private final long start;
    private long lastNanos;

    ProgressLine(long start) {
        this.start = start;
        this.lastNanos = start;
    }

    @Override
    public final void run() {
        long now = System.nanoTime();
        double intervalSeconds = Math.max(1e-9, (now - lastNanos) / 1e9);
        print(now, TimeUnit.NANOSECONDS.toSeconds(now - start), intervalSeconds);
        lastNanos = now;
    }

    /** Prints the line for {@code now}, {@code elapsedSeconds} into the run, {@code intervalSeconds} after the last. */
    abstract void print(long now, long elapsedSeconds, double intervalSeconds);

    static String phase(long now, long measureStartNanos, long measureEndNanos) {
        return now - measureStartNanos < 0 ? "warm-up" : now - measureEndNanos < 0 ? "measure" : "drain";
    }
}
