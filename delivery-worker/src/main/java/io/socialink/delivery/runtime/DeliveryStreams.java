package io.socialink.delivery.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.delivery.config.DeliverySettings;
import io.socialink.delivery.metrics.DeliveryMetrics;
import io.socialink.delivery.queue.DeviceQueues;
import io.socialink.delivery.queue.QueueHead;
import io.socialink.delivery.topology.DeliveryTopology;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import io.socialink.streams.ManagedStreams;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the delivery topology for the application's lifetime ({@link ManagedStreams}: the topic layout is verified
 * first, an unexpected processing error stops the instance instead of skipping input, so no queue entry is lost)
 * and answers queries of this instance's queues.
 */
public class DeliveryStreams extends ManagedStreams {

    private static final Logger log = LoggerFactory.getLogger(DeliveryStreams.class);

    private final DeliverySettings settings;
    private final DeliveryMetrics metrics;

    public DeliveryStreams(
            String bootstrapServers,
            TopicLayout layout,
            DeliverySettings settings,
            DeliveryMetrics metrics,
            MeterRegistry registry) {
        super(
                bootstrapServers,
                layout,
                StreamsConfigFactory.create(bootstrapServers, layout, settings),
                registry,
                "delivery stream thread failed; stopping the worker");
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    protected Topology topology(Properties properties) {
        StreamsBuilder builder = DeliveryTopology.build(new StreamsBuilder(), layout(), settings, metrics);
        return builder.build(properties);
    }

    @Override
    protected void logStarted(Properties properties) {
        log.info(
                "delivery-worker started: application.id={}, topics prefix '{}'",
                settings.applicationId(),
                layout().prefix());
    }

    /** RocksDB's estimate of the queue entries held by this instance, NaN while the stores are unavailable. */
    public double approximateQueuedEntries() {
        KafkaStreams current = current();
        if (current == null || current.state() != KafkaStreams.State.RUNNING) {
            return Double.NaN;
        }
        try {
            ReadOnlyKeyValueStore<Bytes, Delivery> entries = current.store(StoreQueryParameters.fromNameAndType(
                    DeviceQueues.ENTRIES, QueryableStoreTypes.<Bytes, Delivery>keyValueStore()));
            return entries.approximateNumEntries();
        } catch (InvalidStateStoreException e) {
            return Double.NaN;
        }
    }

    /**
     * Where the queue of {@code address} is answered from: this instance's stores, the instance that holds it (found
     * from the group's metadata, {@code application.server}), or nowhere yet (a rebalance or a restore is under
     * way, or the owner advertises no address). A local read is pinned to the queue's partition, so an instance that
     * does not hold that partition as active fails the read instead of answering with an empty queue.
     */
    public QueueLocation locate(String address) {
        KafkaStreams current = current();
        if (current == null || current.state() != KafkaStreams.State.RUNNING) {
            return new QueueLocation.Unavailable("the delivery streams are " + state());
        }
        KeyQueryMetadata metadata = current.queryMetadataForKey(
                DeviceQueues.ENTRIES,
                address,
                Topics.DEVICE_DELIVERIES.keySerde().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return new QueueLocation.Unavailable("no instance holds the queue's partition yet");
        }
        HostInfo owner = metadata.activeHost();
        if (settings.advertisedAddress().isEmpty()
                || owner.equals(HostInfo.buildFromEndpoint(settings.advertisedAddress()))) {
            return new QueueLocation.Local(metadata.partition());
        }
        if (owner.port() <= 0) {
            return new QueueLocation.Unavailable("the instance holding the queue advertises no address");
        }
        return new QueueLocation.Remote(owner.host() + ":" + owner.port());
    }

    /**
     * The head of a device's queue held by this instance at {@code partition}, oldest first: what the device gets
     * next over its socket, without entries past their {@code expiresAt} or the queue TTL.
     *
     * @throws InvalidStateStoreException while the instance is not running, its stores are restoring, or it does
     *     not hold {@code partition} as active
     */
    public List<Delivery> queueHead(String address, int partition, int limit) {
        KafkaStreams current = current();
        if (current == null || current.state() != KafkaStreams.State.RUNNING) {
            throw new InvalidStateStoreException("the delivery streams are not running");
        }
        ReadOnlyKeyValueStore<Bytes, Delivery> entries = current.store(StoreQueryParameters.fromNameAndType(
                        DeviceQueues.ENTRIES, QueryableStoreTypes.<Bytes, Delivery>keyValueStore())
                .withPartition(partition));
        return QueueHead.read(entries, address, limit, System.currentTimeMillis(), settings.queueTtl());
    }
}
