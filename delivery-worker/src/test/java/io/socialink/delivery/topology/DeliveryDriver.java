package io.socialink.delivery.topology;

import io.socialink.delivery.config.DeliverySettings;
import io.socialink.delivery.metrics.DeliveryMetrics;
import io.socialink.delivery.queue.Deadline;
import io.socialink.delivery.queue.DeviceQueues;
import io.socialink.delivery.queue.QueueHead;
import io.socialink.schemas.avro.Ack;
import io.socialink.schemas.avro.ConnectionEvent;
import io.socialink.schemas.avro.ConnectionEventType;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.MessageMetadata;
import io.socialink.schemas.avro.Push;
import io.socialink.schemas.topics.Topic;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The topology in a {@link TopologyTestDriver} with a controlled clock, and the protocol's moves. Every record is
 * stamped with the driver's {@link #now()}, so stream time follows the wall clock unless a test stamps a record
 * otherwise. A socket's incarnation is that of its node ({@link #incarnation(int)}) unless a test names another.
 */
final class DeliveryDriver implements AutoCloseable {

    static final TopicLayout LAYOUT = new TopicLayout("", 3, 4, 1, 1, (short) 1);
    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private final TopologyTestDriver driver;
    private final TestInputTopic<String, Delivery> deliveries;
    private final TestInputTopic<String, ConnectionEvent> connections;
    private final TestInputTopic<String, Ack> acks;
    private final TestOutputTopic<String, Push> pushes;
    private final TestOutputTopic<String, MessageMetadata> metadata;
    private final List<Integer> pushPartitions = new ArrayList<>();
    private final DeliverySettings settings;
    private Duration elapsed = Duration.ZERO;

    DeliveryDriver(DeliverySettings settings, Path stateDir) {
        this(settings, stateDir, DeliveryMetrics.NONE);
    }

    DeliveryDriver(DeliverySettings settings, Path stateDir, DeliveryMetrics metrics) {
        this.settings = settings;
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "delivery-worker-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        StreamsBuilder builder =
                DeliveryTopology.build(new StreamsBuilder(), LAYOUT, settings, metrics, this::partition);
        driver = new TopologyTestDriver(builder.build(), properties, START);
        deliveries = input(Topics.DEVICE_DELIVERIES);
        connections = input(Topics.DEVICE_CONNECTIONS);
        acks = input(Topics.DEVICE_ACKS);
        pushes = output(Topics.GATEWAY_PUSH);
        metadata = output(Topics.METADATA_MESSAGES);
    }

    static DeliverySettings settings() {
        return DeliverySettings.defaults();
    }

    static Delivery delivery(String messageId, String sender, String recipient) {
        return delivery(messageId, sender, recipient, START, null);
    }

    static Delivery delivery(String messageId, String sender, String recipient, Instant sentAt, Instant expiresAt) {
        String[] from = sender.split("\\.");
        String[] to = recipient.split("\\.");
        return Delivery.newBuilder()
                .setMessageId(messageId)
                .setSenderUserId(from[0])
                .setSenderDeviceId(Integer.parseInt(from[1]))
                .setRecipientUserId(to[0])
                .setRecipientDeviceId(Integer.parseInt(to[1]))
                .setSentAt(sentAt)
                .setCiphertextType(3)
                .setContent(ByteBuffer.wrap(("ciphertext of " + messageId).getBytes(StandardCharsets.UTF_8)))
                .setExpiresAt(expiresAt)
                .build();
    }

    Instant now() {
        return START.plus(elapsed);
    }

    void deliver(Delivery delivery) {
        deliver(delivery, now());
    }

    /** A delivery whose record was produced at {@code producedAt} (a worker behind its input reads it late). */
    void deliver(Delivery delivery, Instant producedAt) {
        deliveries.pipeInput(
                delivery.getRecipientUserId() + "." + delivery.getRecipientDeviceId(), delivery, producedAt);
    }

    /** The incarnation the driver gives node {@code node}'s sockets by default. */
    static String incarnation(int node) {
        return "node-" + node + "-first";
    }

    void connect(String address, int node, String connectionId) {
        connect(address, node, connectionId, incarnation(node));
    }

    void connect(String address, int node, String connectionId, String incarnation) {
        connection(address, ConnectionEventType.CONNECTED, node, connectionId, incarnation);
    }

    void disconnect(String address, int node, String connectionId) {
        connection(address, ConnectionEventType.DISCONNECTED, node, connectionId, incarnation(node));
    }

    /** Node {@code node}'s NODE_ALIVE, as its default incarnation sends it. */
    void nodeAlive(int node) {
        nodeAlive(node, incarnation(node));
    }

    void nodeAlive(int node, String incarnation) {
        connections.pipeInput(
                Topics.nodeAliveKey(node),
                ConnectionEvent.newBuilder()
                        .setType(ConnectionEventType.NODE_ALIVE)
                        .setGatewayNode(node)
                        .setConnectionId("")
                        .setIncarnation(incarnation)
                        .setAt(now())
                        .build(),
                now());
    }

    /** DEVICE_REMOVED as the gateway produces it at deactivation: its own node and a fresh id, not the socket's. */
    void removeDevice(String address) {
        connection(address, ConnectionEventType.DEVICE_REMOVED, 0, "removal-" + address, "");
    }

    void ack(String address, String connectionId, String... messageIds) {
        acks.pipeInput(
                address,
                Ack.newBuilder()
                        .setMessageIds(List.of(messageIds))
                        .setConnectionId(connectionId)
                        .setAt(now())
                        .build(),
                now());
    }

    void advance(Duration duration) {
        elapsed = elapsed.plus(duration);
        driver.advanceWallClockTime(duration);
    }

    List<TestRecord<String, Push>> pushRecords() {
        return pushes.readRecordsToList();
    }

    /** The gateway.push partitions chosen so far, in push order, and forgets them. */
    List<Integer> pushPartitions() {
        List<Integer> chosen = List.copyOf(pushPartitions);
        pushPartitions.clear();
        return chosen;
    }

    /** What the real partitioner chooses for the layout's push partitions; the driver itself has only one. */
    private Optional<Set<Integer>> partition(String topic, String key, Push push, int numPartitions) {
        Optional<Set<Integer>> chosen =
                new GatewayNodePartitioner().partitions(topic, key, push, LAYOUT.pushPartitions());
        pushPartitions.addAll(chosen.orElseThrow());
        return Optional.of(Set.of(0));
    }

    List<Push> pushes() {
        return pushes.readValuesToList();
    }

    /** The queue API's read of the device's queue head, on the driver's store at the driver's wall clock. */
    List<Delivery> queueHead(String address, int limit) {
        return QueueHead.read(
                driver.<Bytes, Delivery>getKeyValueStore(DeviceQueues.ENTRIES),
                address,
                limit,
                now().toEpochMilli(),
                settings.queueTtl());
    }

    /** Every key of the deadline index, in index order. */
    List<Deadline> deadlines() {
        List<Deadline> all = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> keys =
                driver.<Bytes, byte[]>getKeyValueStore(DeviceQueues.DEADLINES).all()) {
            keys.forEachRemaining(key -> all.add(Deadline.fromKey(key.key)));
        }
        return all;
    }

    /** How many entries have a push count stored. */
    long storedPushCounts() {
        try (KeyValueIterator<Bytes, Integer> counts = driver.<Bytes, Integer>getKeyValueStore(DeviceQueues.PUSH_COUNTS)
                .all()) {
            long stored = 0;
            while (counts.hasNext()) {
                counts.next();
                stored++;
            }
            return stored;
        }
    }

    List<MessageMetadata> metadata() {
        return metadata.readValuesToList();
    }

    private void connection(
            String address, ConnectionEventType type, int node, String connectionId, String incarnation) {
        connections.pipeInput(
                address,
                ConnectionEvent.newBuilder()
                        .setType(type)
                        .setGatewayNode(node)
                        .setConnectionId(connectionId)
                        .setIncarnation(incarnation)
                        .setAt(now())
                        .build(),
                now());
    }

    private <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
        return driver.createInputTopic(
                LAYOUT.name(topic),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer());
    }

    private <V> TestOutputTopic<String, V> output(Topic<String, V> topic) {
        return driver.createOutputTopic(
                LAYOUT.name(topic),
                topic.keySerde().deserializer(),
                topic.valueSerde().deserializer());
    }

    @Override
    public void close() {
        driver.close();
    }
}
