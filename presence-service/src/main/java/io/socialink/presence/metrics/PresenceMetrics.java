package io.socialink.presence.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** presence-service's own meters, next to the Kafka Streams metrics. */
public class PresenceMetrics {

    private final MeterRegistry registry;
    private final Counter swept;
    private final Counter skipped;
    private final Timer apply;

    public PresenceMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.swept = Counter.builder("socialink.presence.swept")
                .description("users taken offline by the sweep: every device past its TTL (a gateway died)")
                .register(registry);
        this.skipped = Counter.builder("socialink.presence.events.skipped")
                .description("connection events without a usable device address")
                .register(registry);
        this.apply = Timer.builder("socialink.presence.apply")
                .description("time to apply one connection event in Redis")
                .register(registry);
    }

    public void applied(String type, Duration took) {
        apply.record(took);
        Counter.builder("socialink.presence.events")
                .description("connection events applied, by type")
                .tag("type", type)
                .register(registry)
                .increment();
    }

    public void swept() {
        swept.increment();
    }

    public void skipped() {
        skipped.increment();
    }
}
