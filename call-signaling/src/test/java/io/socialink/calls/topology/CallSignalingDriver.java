package io.socialink.calls.topology;

import io.socialink.calls.config.CallSettings;
import io.socialink.calls.metrics.CallMetrics;
import io.socialink.calls.runtime.StreamsConfigFactory;
import io.socialink.schemas.avro.CallCommand;
import io.socialink.schemas.avro.CallEvent;
import io.socialink.schemas.avro.CallMetadata;
import io.socialink.schemas.avro.CallReply;
import io.socialink.schemas.avro.CallState;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.topics.Topic;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/** The topology in a {@link TopologyTestDriver}, configured as the app runs it (exactly-once). */
final class CallSignalingDriver implements AutoCloseable {

    static final TopicLayout LAYOUT = new TopicLayout("", 3, 4, 1, 2, (short) 1);
    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private final TopologyTestDriver driver;
    private final TestInputTopic<String, CallCommand> commands;
    private final TestOutputTopic<String, CallEvent> events;
    private final TestOutputTopic<String, CallReply> replies;
    private final TestOutputTopic<String, Delivery> deliveries;
    private final TestOutputTopic<String, CallMetadata> metadata;
    private final TestOutputTopic<String, String> lines;

    CallSignalingDriver(CallSettings settings, Path stateDir) {
        Properties properties = StreamsConfigFactory.create("unused:9092", LAYOUT, settings);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        Topology topology = CallSignalingTopology.build(
                new Topology(),
                LAYOUT,
                settings,
                CallMetrics.NONE,
                (topic, key, reply, partitions) -> Optional.of(Set.of(0)));
        driver = new TopologyTestDriver(topology, properties, START);
        commands = driver.createInputTopic(
                LAYOUT.name(Topics.CALL_COMMANDS),
                Topics.CALL_COMMANDS.keySerde().serializer(),
                Topics.CALL_COMMANDS.valueSerde().serializer());
        events = output(Topics.CALL_EVENTS);
        replies = output(Topics.CALL_REPLIES);
        deliveries = output(Topics.DEVICE_DELIVERIES);
        metadata = output(Topics.METADATA_CALLS);
        lines = output(Topics.CALL_LINES);
    }

    /** Sends the command and returns its reply. */
    CallReply send(CallCommand command) {
        return send(command.getCallId(), command);
    }

    CallReply send(String key, CallCommand command) {
        commands.pipeInput(key, command);
        List<CallReply> answered = replies.readValuesToList();
        if (answered.size() != 1) {
            throw new AssertionError("expected one reply, got " + answered);
        }
        return answered.get(0);
    }

    void advance(Duration duration) {
        driver.advanceWallClockTime(duration);
    }

    List<TestRecord<String, Delivery>> deliveries() {
        return deliveries.readRecordsToList();
    }

    List<CallEvent> events() {
        return events.readValuesToList();
    }

    List<CallMetadata> metadata() {
        return metadata.readValuesToList();
    }

    List<TestRecord<String, String>> lines() {
        return lines.readRecordsToList();
    }

    CallState state(String callId) {
        KeyValueStore<String, CallState> store = driver.getKeyValueStore(CallSignalingTopology.STATE_STORE);
        return store.get(callId);
    }

    String line(String userId) {
        KeyValueStore<String, String> store = driver.getKeyValueStore(CallSignalingTopology.LINES_STORE);
        return store.get(userId);
    }

    /** Forgets everything written so far. */
    void drain() {
        deliveries();
        events();
        metadata();
        lines();
        replies.readValuesToList();
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
