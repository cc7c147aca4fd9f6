package io.socialink.analytics.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.analytics.config.AnalyticsSettings;
import io.socialink.analytics.metrics.AnalyticsMetrics;
import io.socialink.analytics.topology.AnalyticsTopology;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.streams.CommonStreamsConfig;
import io.socialink.streams.ManagedStreams;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the analytics topology for the application's lifetime ({@link ManagedStreams}), exactly once: the figures
 * are counts, so a crash must not count the events since the last commit twice; the outputs become visible to
 * read_committed readers at each commit ({@code socialink.analytics.commit-interval}).
 */
public class AnalyticsStreams extends ManagedStreams {

    private static final Logger log = LoggerFactory.getLogger(AnalyticsStreams.class);

    private final AnalyticsSettings settings;
    private final AnalyticsMetrics metrics;

    public AnalyticsStreams(
            String bootstrapServers,
            TopicLayout layout,
            AnalyticsSettings settings,
            AnalyticsMetrics metrics,
            MeterRegistry registry) {
        super(
                bootstrapServers,
                layout,
                config(bootstrapServers, layout, settings),
                registry,
                "analytics stream thread failed; stopping analytics");
        this.settings = settings;
        this.metrics = metrics;
    }

    static Properties config(String bootstrapServers, TopicLayout layout, AnalyticsSettings settings) {
        Properties properties = CommonStreamsConfig.create(
                settings.streamsApplicationId(layout.prefix()), bootstrapServers, layout, settings);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        return properties;
    }

    @Override
    protected Topology topology(Properties properties) {
        return AnalyticsTopology.build(layout(), settings.keep(), metrics);
    }

    @Override
    protected void logStarted(Properties properties) {
        log.info(
                "analytics started: application.id={}, topics prefix '{}'",
                properties.get("application.id"),
                layout().prefix());
    }
}
