package io.socialink.groups.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.groups.config.GroupSettings;
import io.socialink.groups.metrics.GroupMetrics;
import io.socialink.groups.topology.GroupFanoutTopology;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.streams.ManagedStreams;
import java.util.Properties;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the group topology for the application's lifetime ({@link ManagedStreams}: the topic layout is verified
 * first, and an unexpected processing error stops the instance instead of skipping a command: the open transaction
 * aborts, and a restart decides the command again from the last committed state).
 */
public class GroupFanoutStreams extends ManagedStreams {

    private static final Logger log = LoggerFactory.getLogger(GroupFanoutStreams.class);

    private final GroupSettings settings;
    private final GroupMetrics metrics;

    public GroupFanoutStreams(
            String bootstrapServers,
            TopicLayout layout,
            GroupSettings settings,
            GroupMetrics metrics,
            MeterRegistry registry) {
        super(
                bootstrapServers,
                layout,
                StreamsConfigFactory.create(bootstrapServers, layout, settings),
                registry,
                "group stream thread failed; stopping group-fanout");
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    protected Topology topology(Properties properties) {
        return GroupFanoutTopology.build(layout(), settings, metrics);
    }

    @Override
    protected void logStarted(Properties properties) {
        log.info(
                "group-fanout started: application.id={}, topics prefix '{}', max members {}",
                properties.get("application.id"),
                layout().prefix(),
                settings.maxMembers());
    }
}
