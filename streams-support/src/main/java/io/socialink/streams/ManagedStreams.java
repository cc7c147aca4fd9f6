package io.socialink.streams;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.socialink.schemas.topics.TopicAdmin;
import io.socialink.schemas.topics.TopicLayout;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.TaskId;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs an app's topology in one {@link KafkaStreams} instance for the application's lifetime. {@link #start()}
 * verifies the topic layout first ({@link TopicAdmin#verify}) and refuses to start on a mismatch. An unexpected
 * processing error stops the instance (state ERROR, health DOWN) instead of skipping input, so nothing is lost: a
 * restart resumes from the last commit. {@link #stop()} closes the instance and leaves the consumer group at once.
 * While running, the Kafka Streams metrics are bound to the meter registry.
 *
 * <p>A subclass gives the Kafka Streams configuration, the topology and its started message; it logs under its own
 * name.
 */
public abstract class ManagedStreams implements SmartLifecycle {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    // the subclass's logger, so each app's log lines keep the logger they always had
    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String bootstrapServers;
    private final TopicLayout layout;
    private final Properties properties;
    private final MeterRegistry registry;
    private final String failureMessage;
    private volatile @Nullable KafkaStreams streams;
    private @Nullable KafkaStreamsMetrics streamsMetrics;

    /**
     * @param properties     the Kafka Streams configuration the instance runs with
     * @param failureMessage logged with the exception when a stream thread fails and the instance is stopped
     */
    protected ManagedStreams(
            String bootstrapServers,
            TopicLayout layout,
            Properties properties,
            MeterRegistry registry,
            String failureMessage) {
        this.bootstrapServers = bootstrapServers;
        this.layout = layout;
        this.properties = properties;
        this.registry = registry;
        this.failureMessage = failureMessage;
    }

    /** The topology, built for {@code properties} (the configuration given to the constructor). */
    protected abstract Topology topology(Properties properties);

    /** Logs that the instance started with {@code properties}. */
    protected abstract void logStarted(Properties properties);

    protected final TopicLayout layout() {
        return layout;
    }

    /** The running instance, null before {@link #start()} and after {@link #stop()}. */
    protected final @Nullable KafkaStreams current() {
        return streams;
    }

    @Override
    public synchronized void start() {
        if (streams != null) {
            return;
        }
        try (Admin admin = TopicAdmin.connect(bootstrapServers)) {
            TopicAdmin.verify(admin, layout);
        }
        KafkaStreams instance = new KafkaStreams(topology(properties), properties);
        instance.setUncaughtExceptionHandler(exception -> {
            log.error(failureMessage, exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        instance.setStateListener((next, previous) -> log.info("Kafka Streams {} -> {}", previous, next));
        streamsMetrics = new KafkaStreamsMetrics(instance);
        streamsMetrics.bindTo(registry);
        instance.start();
        streams = instance;
        logStarted(properties);
    }

    @Override
    public synchronized void stop() {
        if (streams != null) {
            // a static member leaves at once so its tasks move now; dynamic members never send a leave
            streams.close(new KafkaStreams.CloseOptions().timeout(CLOSE_TIMEOUT).leaveGroup(true));
            if (streamsMetrics != null) {
                streamsMetrics.close();
            }
            streams = null;
        }
    }

    @Override
    public boolean isRunning() {
        return streams != null;
    }

    /** The tasks this instance runs as active now (none before {@link #start()}, after {@link #stop()}). */
    public Set<TaskId> activeTasks() {
        KafkaStreams current = streams;
        if (current == null) {
            return Set.of();
        }
        Set<TaskId> tasks = new TreeSet<>();
        current.metadataForLocalThreads()
                .forEach(thread -> thread.activeTasks().forEach(task -> tasks.add(task.taskId())));
        return tasks;
    }

    /** The Kafka Streams state; NOT_RUNNING before {@link #start()} and after {@link #stop()}. */
    public KafkaStreams.State state() {
        KafkaStreams current = streams;
        return current == null ? KafkaStreams.State.NOT_RUNNING : current.state();
    }
}
