package io.socialink.gateway.kafka;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task a {@link PollLoop} runs on its own thread at most once per interval, from {@link PollLoop#afterEachPoll}
 * (the projections' sweeps). A failure is logged and the task runs again at the next interval.
 */
public final class Periodic {

    private static final Logger log = LoggerFactory.getLogger(Periodic.class);

    private final String name;
    private final Duration interval;
    private final Runnable task;
    private long last = System.nanoTime();

    public Periodic(String name, Duration interval, Runnable task) {
        this.name = name;
        this.interval = interval;
        this.task = task;
    }

    /** Runs the task if an interval has passed since it last ran (or since this was made). */
    public void runIfDue() {
        if (System.nanoTime() - last < interval.toNanos()) {
            return;
        }
        last = System.nanoTime();
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("{} failed: {}", name, e.toString());
        }
    }
}
