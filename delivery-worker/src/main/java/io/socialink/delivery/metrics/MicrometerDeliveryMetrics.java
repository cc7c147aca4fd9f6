package io.socialink.delivery.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** {@link DeliveryMetrics} as Micrometer counters (Prometheus: {@code socialink_delivery_*_total}). */
public final class MicrometerDeliveryMetrics implements DeliveryMetrics {

    public static final String QUEUED = "socialink.delivery.queued";
    public static final String DUPLICATES = "socialink.delivery.duplicates";
    public static final String PUSHED = "socialink.delivery.pushed";
    public static final String ACKED = "socialink.delivery.acked";
    public static final String EXPIRED = "socialink.delivery.expired";
    public static final String DROPPED = "socialink.delivery.dropped";
    public static final String REDELIVERY_LIMITED = "socialink.delivery.redelivery.limited";
    public static final String DELETED = "socialink.delivery.deleted";
    public static final String ROUTES_EXPIRED = "socialink.delivery.routes.expired";
    /** Gauge: RocksDB's estimate of the queue entries held by this instance. */
    public static final String QUEUE_ENTRIES = "socialink.delivery.queue.entries";

    private final Counter queued;
    private final Counter duplicates;
    private final Counter pushed;
    private final Counter acked;
    private final Counter expired;
    private final Counter dropped;
    private final Counter redeliveryLimited;
    private final Counter deleted;
    private final Counter routesExpired;

    public MicrometerDeliveryMetrics(MeterRegistry registry) {
        queued = counter(registry, QUEUED, "deliveries appended to a device queue");
        duplicates = counter(registry, DUPLICATES, "deliveries ignored as already queued or acknowledged");
        pushed = counter(registry, PUSHED, "queue entries pushed to a connection");
        acked = counter(registry, ACKED, "queue entries acknowledged by their device");
        expired = counter(registry, EXPIRED, "queue entries expired undelivered");
        dropped = counter(registry, DROPPED, "queue entries dropped undelivered from a full queue");
        redeliveryLimited =
                counter(registry, REDELIVERY_LIMITED, "queue entries dropped after too many pushes without an ack");
        deleted = counter(registry, DELETED, "undelivered queue entries removed by a delete-for-everyone");
        routesExpired = counter(
                registry, ROUTES_EXPIRED, "device routes expired because their gateway incarnation went silent");
    }

    private static Counter counter(MeterRegistry registry, String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    @Override
    public void queued() {
        queued.increment();
    }

    @Override
    public void duplicate() {
        duplicates.increment();
    }

    @Override
    public void pushed() {
        pushed.increment();
    }

    @Override
    public void acked() {
        acked.increment();
    }

    @Override
    public void expired() {
        expired.increment();
    }

    @Override
    public void dropped() {
        dropped.increment();
    }

    @Override
    public void redeliveryLimited() {
        redeliveryLimited.increment();
    }

    @Override
    public void deleted() {
        deleted.increment();
    }

    @Override
    public void routeExpired() {
        routesExpired.increment();
    }
}
