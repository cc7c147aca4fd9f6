package io.socialink.delivery.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.socialink.delivery.config.DeliverySettings;
import io.socialink.delivery.metrics.DeliveryMetrics;
import io.socialink.delivery.queue.DeviceQueues;
import io.socialink.delivery.queue.StoreKeys;
import io.socialink.delivery.topology.DeliveryTopology;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.topics.TopicAdmin;
import io.socialink.schemas.topics.TopicLayout;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the delivery topology in one {@link KafkaStreams} instance for the application's lifetime. It verifies
 * the topic layout first and refuses to start on a mismatch. An unexpected processing error stops the instance
 * (state ERROR, health DOWN) instead of skipping input, so no queue entry is lost; a restart resumes from the
 * last commit.
 */
public class DeliveryStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryStreams.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final TopicLayout layout;
    private final DeliverySettings settings;
    private final DeliveryMetrics metrics;
    private final MeterRegistry registry;
    private volatile KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;

    public DeliveryStreams(String bootstrapServers, TopicLayout layout, DeliverySettings settings,
                           DeliveryMetrics metrics, MeterRegistry registry) {
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
        StreamsBuilder builder = DeliveryTopology.build(new StreamsBuilder(), layout, settings, metrics);
        KafkaStreams instance = new KafkaStreams(builder.build(properties), properties);
        instance.setUncaughtExceptionHandler(exception -> {
            log.error("delivery stream thread failed; stopping the worker", exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        instance.setStateListener((next, previous) -> log.info("Kafka Streams {} -> {}", previous, next));
        streamsMetrics = new KafkaStreamsMetrics(instance);
        streamsMetrics.bindTo(registry);
        instance.start();
        streams = instance;
        log.info("delivery-worker started: application.id={}, topics prefix '{}'", settings.applicationId(),
                layout.prefix());
    }

    @Override
    public synchronized void stop() {
        if (streams != null) {
            // a static member leaves at once so its queues move now; dynamic members never send a leave
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

    /** RocksDB's estimate of the queue entries held by this instance, NaN while the stores are unavailable. */
    public double approximateQueuedEntries() {
        KafkaStreams current = streams;
        if (current == null || current.state() != KafkaStreams.State.RUNNING) {
            return Double.NaN;
        }
        try {
            ReadOnlyKeyValueStore<Bytes, Delivery> entries = current.store(StoreQueryParameters
                    .fromNameAndType(DeviceQueues.ENTRIES, QueryableStoreTypes.<Bytes, Delivery>keyValueStore()));
            return entries.approximateNumEntries();
        } catch (InvalidStateStoreException e) {
            return Double.NaN;
        }
    }

    /**
     * The head of a device's queue, oldest first: what the device gets next over its socket. Reads this instance's
     * stores (interactive query); empty when the device has nothing queued here.
     *
     * @throws InvalidStateStoreException while the instance is not running or its stores are restoring
     */
    public List<Delivery> queueHead(String address, int limit) {
        KafkaStreams current = streams;
        if (current == null || current.state() != KafkaStreams.State.RUNNING) {
            throw new InvalidStateStoreException("the delivery streams are not running");
        }
        ReadOnlyKeyValueStore<Bytes, Delivery> entries = current.store(StoreQueryParameters
                .fromNameAndType(DeviceQueues.ENTRIES, QueryableStoreTypes.<Bytes, Delivery>keyValueStore()));
        List<Delivery> head = new ArrayList<>();
        try (KeyValueIterator<Bytes, Delivery> iterator = entries.range(StoreKeys.entry(address, 0),
                StoreKeys.entry(address, Long.MAX_VALUE))) {
            while (iterator.hasNext() && head.size() < limit) {
                KeyValue<Bytes, Delivery> entry = iterator.next();
                head.add(entry.value);
            }
        }
        return head;
    }
}
