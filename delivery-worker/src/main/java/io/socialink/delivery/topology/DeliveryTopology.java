package io.socialink.delivery.topology;

import io.socialink.delivery.config.DeliverySettings;
import io.socialink.delivery.metrics.DeliveryMetrics;
import io.socialink.delivery.queue.DeviceQueues;
import io.socialink.delivery.queue.QueueState;
import io.socialink.delivery.routing.Route;
import io.socialink.delivery.routing.Routes;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.MessageMetadata;
import io.socialink.schemas.avro.Push;
import io.socialink.schemas.serde.AvroSerde;
import io.socialink.schemas.topics.Topic;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.Stores;

/**
 * The delivery-worker's topology: {@code device.deliveries}, {@code device.connections} and {@code device.acks}
 * (co-partitioned by device address) into one {@link DeliveryProcessor} over changelogged RocksDB stores, out to
 * {@code gateway.push} (partition = gateway node, see {@link GatewayNodePartitioner}) and
 * {@code metadata.messages} (key: messageId).
 *
 * <p>Guarantees, given {@code processing.guarantee=exactly_once_v2} (the stores of a queue change together, see
 * {@code StreamsConfigFactory}): every queued entry reaches its device at least once while the device connects
 * before the entry expires (entries leave the queue only on ack, on expiry at
 * {@code expiresAt} or the queue TTL, or when the queue overflows), including across worker crashes; entries of
 * one sender device to one recipient device are pushed in send order.
 */
public final class DeliveryTopology {

    private static final String PROCESSOR = "delivery-protocol";

    private DeliveryTopology() {}

    public static StreamsBuilder build(StreamsBuilder builder, TopicLayout layout, DeliverySettings settings) {
        return build(builder, layout, settings, DeliveryMetrics.NONE);
    }

    public static StreamsBuilder build(
            StreamsBuilder builder, TopicLayout layout, DeliverySettings settings, DeliveryMetrics metrics) {
        return build(builder, layout, settings, metrics, new GatewayNodePartitioner());
    }

    /** With another push partitioner: TopologyTestDriver models every topic with a single partition. */
    static StreamsBuilder build(
            StreamsBuilder builder,
            TopicLayout layout,
            DeliverySettings settings,
            DeliveryMetrics metrics,
            StreamPartitioner<String, Push> pushPartitioner) {
        addStores(builder, settings);
        KStream<String, SpecificRecord> inputs = source(builder, layout, Topics.DEVICE_DELIVERIES)
                .merge(source(builder, layout, Topics.DEVICE_CONNECTIONS), Named.as("merge-connections"))
                .merge(source(builder, layout, Topics.DEVICE_ACKS), Named.as("merge-acks"));

        KStream<String, SpecificRecord> outputs = inputs.process(
                () -> new DeliveryProcessor(settings, layout.pushPartitions(), metrics),
                Named.as(PROCESSOR),
                DeviceQueues.ENTRIES,
                DeviceQueues.IDS,
                DeviceQueues.ACKED,
                DeviceQueues.DEADLINES,
                DeviceQueues.STATES,
                DeviceQueues.PUSH_COUNTS,
                Routes.STORE);

        outputs.filter((key, value) -> value instanceof Push, Named.as("pushes"))
                .mapValues(value -> (Push) value, Named.as("as-push"))
                .to(
                        layout.name(Topics.GATEWAY_PUSH),
                        Produced.with(Topics.GATEWAY_PUSH.keySerde(), Topics.GATEWAY_PUSH.valueSerde())
                                .withStreamPartitioner(pushPartitioner)
                                .withName("to-gateway-push"));
        outputs.filter((key, value) -> value instanceof MessageMetadata, Named.as("metadata"))
                .mapValues(value -> (MessageMetadata) value, Named.as("as-metadata"))
                .to(
                        layout.name(Topics.METADATA_MESSAGES),
                        Produced.with(Topics.METADATA_MESSAGES.keySerde(), Topics.METADATA_MESSAGES.valueSerde())
                                .withName("to-metadata-messages"));
        return builder;
    }

    private static <V extends SpecificRecord> KStream<String, SpecificRecord> source(
            StreamsBuilder builder, TopicLayout layout, Topic<String, V> topic) {
        return builder.stream(
                        layout.name(topic),
                        Consumed.with(topic.keySerde(), topic.valueSerde()).withName("from-" + topic.baseName()))
                .<SpecificRecord>mapValues(value -> value, Named.as("input-" + topic.baseName()));
    }

    private static void addStores(StreamsBuilder builder, DeliverySettings settings) {
        Serde<Delivery> deliveries = new AvroSerde<>(Delivery.class);
        // queued copies include MLS Welcomes and commits (up to a 2 MiB bundle): the changelog takes them too
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(DeviceQueues.ENTRIES), Serdes.Bytes(), deliveries)
                .withCachingEnabled()
                .withLoggingEnabled(
                        Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Topic.LARGE_MESSAGE_BYTES))));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(DeviceQueues.IDS), Serdes.Bytes(), Serdes.Long())
                .withCachingEnabled());
        // acknowledged messageIds are only ever added: whole segments older than the retention drop by themselves
        // (and the changelog by time), instead of a delete and a deadline per messageId. Not cached: each id is
        // written once and looked up about once, so the record cache saved no write, and its per-segment range
        // copies for every look-up were a fifth of the worker's profile.
        Duration ackedRetention = settings.ackedRetention();
        builder.addStateStore(Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(DeviceQueues.ACKED, ackedRetention, Duration.ofMillis(1), false),
                        Serdes.Bytes(),
                        Serdes.Long())
                .withCachingDisabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(DeviceQueues.DEADLINES), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(DeviceQueues.STATES), Serdes.String(), QueueState.SERDE)
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(DeviceQueues.PUSH_COUNTS), Serdes.Bytes(), Serdes.Integer())
                .withCachingEnabled());
        builder.addStateStore(Stores.<String, Route>keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(Routes.STORE), Serdes.String(), Route.SERDE)
                .withCachingEnabled());
    }
}
