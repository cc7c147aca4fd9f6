package io.socialink.analytics.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The figures as Prometheus metrics, counted where the figures are kept (each fact once): rates and percentiles
 * come from Prometheus ({@code rate(socialink_analytics_messages_total[1m])}, {@code histogram_quantile} over the
 * latency buckets); daily active devices are the increase of {@link #DEVICE_DAYS} over the day.
 */
public final class AnalyticsMetrics {

    /** Counter of messages by {@code kind}: one-to-one, note-to-self, group. */
    public static final String MESSAGES = "socialink.analytics.messages";
    /** Timer from a copy's SENT to its DELIVERED. */
    public static final String SENT_TO_DELIVERED = "socialink.analytics.sent.to.delivered";
    /** Timer from a copy's DELIVERED to its READ. */
    public static final String DELIVERED_TO_READ = "socialink.analytics.delivered.to.read";
    /** Counter of devices seen active for the first time on their UTC day. */
    public static final String DEVICE_DAYS = "socialink.analytics.device.days";
    /** Counter of group changes by {@code kind}: created, devices-added, devices-removed (devices, not commands). */
    public static final String GROUP_CHANGES = "socialink.analytics.group.changes";

    /** Calls ended, tag {@code outcome}. */
    public static final String CALLS = "socialink.analytics.calls";

    private final MeterRegistry registry;
    private final Timer sentToDelivered;
    private final Timer deliveredToRead;
    private final Counter deviceDays;

    public AnalyticsMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.sentToDelivered = latency(SENT_TO_DELIVERED, "from a copy's SENT to its DELIVERED");
        this.deliveredToRead = latency(DELIVERED_TO_READ, "from a copy's DELIVERED to its READ");
        this.deviceDays = Counter.builder(DEVICE_DAYS)
                .description("devices seen active for the first time on their UTC day")
                .register(registry);
    }

    private Timer latency(String name, String description) {
        return Timer.builder(name)
                .description(description)
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofDays(1))
                .register(registry);
    }

    public void message(String kind) {
        Counter.builder(MESSAGES)
                .description("messages by kind")
                .tag("kind", kind)
                .register(registry)
                .increment();
    }

    public void sentToDelivered(long millis) {
        sentToDelivered.record(millis, TimeUnit.MILLISECONDS);
    }

    public void deliveredToRead(long millis) {
        deliveredToRead.record(millis, TimeUnit.MILLISECONDS);
    }

    public void deviceDay() {
        deviceDays.increment();
    }

    public void groupChange(String kind, long count) {
        Counter.builder(GROUP_CHANGES)
                .description("group changes by kind")
                .tag("kind", kind)
                .register(registry)
                .increment(count);
    }

    public void callEnded(String outcome, long count) {
        Counter.builder(CALLS)
                .description("calls ended by outcome")
                .tag("outcome", outcome)
                .register(registry)
                .increment(count);
    }
}
