package io.socialink.presence.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.presence.config.PresenceSettings;
import io.socialink.presence.metrics.PresenceMetrics;
import io.socialink.presence.store.PresenceStore;
import io.socialink.presence.topology.PresenceTopology;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.streams.CommonStreamsConfig;
import io.socialink.streams.ManagedStreams;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the presence topology for the application's lifetime ({@link ManagedStreams}), at least once: the Redis
 * updates are idempotent, so re-applying the events since the last commit after a crash is harmless, and there is
 * no transaction to take part in.
 */
public class PresenceStreams extends ManagedStreams {

    private static final Logger log = LoggerFactory.getLogger(PresenceStreams.class);

    private final PresenceSettings settings;
    private final PresenceStore store;
    private final PresenceMetrics metrics;

    public PresenceStreams(
            String bootstrapServers,
            TopicLayout layout,
            PresenceSettings settings,
            PresenceStore store,
            PresenceMetrics metrics,
            MeterRegistry registry) {
        super(
                bootstrapServers,
                layout,
                config(bootstrapServers, layout, settings),
                registry,
                "presence stream thread failed; stopping presence-service");
        this.settings = settings;
        this.store = store;
        this.metrics = metrics;
    }

    static Properties config(String bootstrapServers, TopicLayout layout, PresenceSettings settings) {
        Properties properties = CommonStreamsConfig.create(
                settings.streamsApplicationId(layout.prefix()), bootstrapServers, layout, settings);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        return properties;
    }

    @Override
    protected Topology topology(Properties properties) {
        return PresenceTopology.build(layout(), settings, store, metrics);
    }

    @Override
    protected void logStarted(Properties properties) {
        log.info(
                "presence-service started: application.id={}, topics prefix '{}', device TTL {}",
                properties.get("application.id"),
                layout().prefix(),
                settings.deviceTtl());
    }
}
