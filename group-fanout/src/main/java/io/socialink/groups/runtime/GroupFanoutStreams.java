package io.socialink.groups.runtime;

import java.time.Duration;
import java.util.Properties;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.socialink.groups.config.GroupSettings;
import io.socialink.groups.metrics.GroupMetrics;
import io.socialink.groups.topology.GroupFanoutTopology;
import io.socialink.schemas.topics.TopicAdmin;
import io.socialink.schemas.topics.TopicLayout;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the group topology in one {@link KafkaStreams} instance for the application's lifetime. It verifies the
 * topic layout first and refuses to start on a mismatch. An unexpected processing error stops the instance (state
 * ERROR, health DOWN) instead of skipping a command: the open transaction aborts, and a restart decides the
 * command again from the last committed state.
 */
public class GroupFanoutStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GroupFanoutStreams.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final TopicLayout layout;
    private final GroupSettings settings;
    private final GroupMetrics metrics;
    private final MeterRegistry registry;
    private volatile KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;

    public GroupFanoutStreams(String bootstrapServers, TopicLayout layout, GroupSettings settings,
                              GroupMetrics metrics, MeterRegistry registry) {
        this.bootstrapServers = bootstrapServers;
        this.layout = layout;
        this.settings = settings;
        this.metrics = metrics;
        this.registry = registry;
    }

    @Override
    public synchronized void start() {
        if (streams != null) {
            return;
        }
        try (Admin admin = TopicAdmin.connect(bootstrapServers)) {
            TopicAdmin.verify(admin, layout);
        }
        Properties properties = StreamsConfigFactory.create(bootstrapServers, layout, settings);
        Topology topology = GroupFanoutTopology.build(layout, settings, metrics);
        KafkaStreams instance = new KafkaStreams(topology, properties);
        instance.setUncaughtExceptionHandler(exception -> {
            log.error("group stream thread failed; stopping group-fanout", exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        instance.setStateListener((next, previous) -> log.info("Kafka Streams {} -> {}", previous, next));
        streamsMetrics = new KafkaStreamsMetrics(instance);
        streamsMetrics.bindTo(registry);
        instance.start();
        streams = instance;
        log.info("group-fanout started: application.id={}, topics prefix '{}', max members {}",
                properties.get("application.id"), layout.prefix(), settings.maxMembers());
    }

    @Override
    public synchronized void stop() {
        if (streams != null) {
            // a static member leaves at once so its groups move now; dynamic members never send a leave
            streams.close(new KafkaStreams.CloseOptions().timeout(CLOSE_TIMEOUT).leaveGroup(true));
            streamsMetrics.close();
            streams = null;
        }
    }

    @Override
    public boolean isRunning() {
        return streams != null;
    }

    /** The Kafka Streams state; NOT_RUNNING before {@link #start()} and after {@link #stop()}. */
    public KafkaStreams.State state() {
        KafkaStreams current = streams;
        return current == null ? KafkaStreams.State.NOT_RUNNING : current.state();
    }
}
