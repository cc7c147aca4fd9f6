package io.socialink.groups.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link GroupMetrics} as Micrometer counters (Prometheus: {@code socialink_groups_*_total}). */
public final class MicrometerGroupMetrics implements GroupMetrics {

    /** Tags {@code command} (create, commit, message, leave), {@code outcome} and {@code problem}. */
    public static final String COMMANDS = "socialink.groups.commands";

    public static final String DELIVERIES = "socialink.groups.deliveries";
    /** Tag {@code source}: cache or store. */
    public static final String STATE_LOOKUPS = "socialink.groups.state.lookups";

    private final MeterRegistry registry;
    private final Map<String, Counter> commands = new ConcurrentHashMap<>();
    private final Counter deliveries;
    private final Counter cacheLookups;
    private final Counter storeLookups;

    public MicrometerGroupMetrics(MeterRegistry registry) {
        this.registry = registry;
        deliveries = Counter.builder(DELIVERIES)
                .description("per-device copies written to device.deliveries")
                .register(registry);
        cacheLookups = lookups(registry, "cache");
        storeLookups = lookups(registry, "store");
    }

    private static Counter lookups(MeterRegistry registry, String source) {
        return Counter.builder(STATE_LOOKUPS)
                .description("group states looked up, by where they came from")
                .tag("source", source)
                .register(registry);
    }

    @Override
    public void decided(String command, String outcome, String problemType) {
        String problem = problemType == null ? "none" : problemType;
        commands.computeIfAbsent(command + '/' + outcome + '/' + problem, key -> Counter.builder(COMMANDS)
                        .description("group commands decided")
                        .tag("command", command)
                        .tag("outcome", outcome)
                        .tag("problem", problem)
                        .register(registry))
                .increment();
    }

    @Override
    public void fannedOut(int copies) {
        deliveries.increment(copies);
    }

    @Override
    public void stateLookup(boolean cached) {
        (cached ? cacheLookups : storeLookups).increment();
    }
}
