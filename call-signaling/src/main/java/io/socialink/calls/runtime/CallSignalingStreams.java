package io.socialink.calls.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.calls.config.CallSettings;
import io.socialink.calls.metrics.CallMetrics;
import io.socialink.calls.topology.CallSignalingTopology;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.streams.ManagedStreams;
import java.util.Properties;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the call topology for the application's lifetime ({@link ManagedStreams}: the topic layout is verified
 * first, and an unexpected processing error stops the instance instead of skipping a command: the open transaction
 * aborts, and a restart decides the command again from the last committed state).
 */
public class CallSignalingStreams extends ManagedStreams {

    private static final Logger log = LoggerFactory.getLogger(CallSignalingStreams.class);

    private final CallSettings settings;
    private final CallMetrics metrics;

    public CallSignalingStreams(
            String bootstrapServers,
            TopicLayout layout,
            CallSettings settings,
            CallMetrics metrics,
            MeterRegistry registry) {
        super(
                bootstrapServers,
                layout,
                StreamsConfigFactory.create(bootstrapServers, layout, settings),
                registry,
                "call stream thread failed; stopping call-signaling");
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    protected Topology topology(Properties properties) {
        return CallSignalingTopology.build(layout(), settings, metrics);
    }

    @Override
    protected void logStarted(Properties properties) {
        log.info(
                "call-signaling started: application.id={}, topics prefix '{}', ring timeout {}",
                properties.get("application.id"),
                layout().prefix(),
                settings.ringTimeout());
    }
}
