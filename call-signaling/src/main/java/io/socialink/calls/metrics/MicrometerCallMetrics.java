package io.socialink.calls.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** {@link CallMetrics} as Micrometer counters (Prometheus: {@code socialink_calls_*_total}). */
public final class MicrometerCallMetrics implements CallMetrics {

    /** Tags {@code command} (initiate, answer, decline, end, ice, read-ice), {@code outcome} and {@code problem}. */
    public static final String COMMANDS = "socialink.calls.commands";

    /** Tag {@code outcome}: completed, declined, missed, cancelled, busy. */
    public static final String ENDED = "socialink.calls.ended";

    public static final String DELIVERIES = "socialink.calls.deliveries";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Counter deliveries;

    public MicrometerCallMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.deliveries = Counter.builder(DELIVERIES)
                .description("per-device call copies written to device.deliveries")
                .register(registry);
    }

    @Override
    public void decided(String command, String outcome, @Nullable String problemType) {
        String problem = problemType == null ? "none" : problemType;
        counters.computeIfAbsent(command + '/' + outcome + '/' + problem, key -> Counter.builder(COMMANDS)
                        .description("call commands decided")
                        .tag("command", command)
                        .tag("outcome", outcome)
                        .tag("problem", problem)
                        .register(registry))
                .increment();
    }

    @Override
    public void ended(String outcome) {
        counters.computeIfAbsent("ended/" + outcome, key -> Counter.builder(ENDED)
                        .description("calls ended, by outcome")
                        .tag("outcome", outcome)
                        .register(registry))
                .increment();
    }

    @Override
    public void delivered(int copies) {
        deliveries.increment(copies);
    }
}
