package io.socialink.gateway.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Binds every Kafka consumer of the node (pushes, group replies, the status and group projections) to the meter
 * registry, so that their lag and fetch rates are on {@code /actuator/prometheus} like the producer's and the
 * workers' (the dashboard's consumer lag per app reads {@code kafka_consumer_fetch_manager_records_lag_max}).
 */
@Component
public class ConsumerMetrics {

    public ConsumerMetrics(List<PollLoop<?, ?>> loops, MeterRegistry registry) {
        loops.forEach(loop -> loop.bindMetrics(registry));
    }
}
