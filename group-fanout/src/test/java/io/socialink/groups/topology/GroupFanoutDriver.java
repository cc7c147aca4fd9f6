package io.socialink.groups.topology;

import io.socialink.groups.config.GroupSettings;
import io.socialink.groups.metrics.GroupMetrics;
import io.socialink.groups.runtime.StreamsConfigFactory;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.GroupCommand;
import io.socialink.schemas.avro.GroupEvent;
import io.socialink.schemas.avro.GroupMetadata;
import io.socialink.schemas.avro.GroupReply;
import io.socialink.schemas.topics.Topic;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import io.socialink.streams.replies.ReplyKey;
import io.socialink.streams.replies.ReplyPartitioner;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The topology in a {@link TopologyTestDriver}, configured as the app runs it (exactly-once). */
final class GroupFanoutDriver implements AutoCloseable {

    static final TopicLayout LAYOUT = new TopicLayout("", 3, 4, 1, 2, (short) 1);
    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private final TopologyTestDriver driver;
    private final TestInputTopic<String, GroupCommand> commands;
    private final TestOutputTopic<String, GroupEvent> events;
    private final TestOutputTopic<String, GroupReply> replies;
    private final TestOutputTopic<String, Delivery> deliveries;
    private final TestOutputTopic<String, GroupMetadata> metadata;
    private final List<Integer> replyPartitions = new ArrayList<>();

    GroupFanoutDriver(GroupSettings settings, Path stateDir) {
        Properties properties = StreamsConfigFactory.create("unused:9092", LAYOUT, settings);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        Topology topology =
                GroupFanoutTopology.build(new Topology(), LAYOUT, settings, GroupMetrics.NONE, this::partition);
        driver = new TopologyTestDriver(topology, properties, START);
        commands = driver.createInputTopic(
                LAYOUT.name(Topics.GROUP_COMMANDS),
                Topics.GROUP_COMMANDS.keySerde().serializer(),
                Topics.GROUP_COMMANDS.valueSerde().serializer());
        events = output(Topics.GROUP_EVENTS);
        replies = output(Topics.GROUP_REPLIES);
        deliveries = output(Topics.DEVICE_DELIVERIES);
        metadata = output(Topics.METADATA_GROUPS);
    }

    void send(GroupCommand command) {
        commands.pipeInput(command.getGroupId(), command);
    }

    void send(String key, GroupCommand command) {
        commands.pipeInput(key, command);
    }

    List<TestRecord<String, GroupReply>> replies() {
        return replies.readRecordsToList();
    }

    /** The group.replies partitions chosen so far, in reply order, and forgets them. */
    List<Integer> replyPartitions() {
        List<Integer> chosen = List.copyOf(replyPartitions);
        replyPartitions.clear();
        return chosen;
    }

    List<TestRecord<String, Delivery>> deliveries() {
        return deliveries.readRecordsToList();
    }

    List<TestRecord<String, GroupEvent>> events() {
        return events.readRecordsToList();
    }

    List<GroupMetadata> metadata() {
        return metadata.readValuesToList();
    }

    /** Forgets everything written so far. */
    void drain() {
        replies();
        replyPartitions();
        deliveries();
        events();
        metadata();
    }

    /** What the real partitioner chooses for the layout's reply partitions; the driver itself has only one. */
    private Optional<Set<Integer>> partition(String topic, ReplyKey key, GroupReply reply, int numPartitions) {
        Optional<Set<Integer>> chosen =
                new ReplyPartitioner<>().partitions(topic, key, reply, LAYOUT.partitions(Topics.GROUP_REPLIES));
        replyPartitions.addAll(chosen.orElseThrow());
        return chosen.orElseThrow().isEmpty() ? chosen : Optional.of(Set.of(0));
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
