package io.socialink.groups.topology;

import io.socialink.groups.config.GroupSettings;
import io.socialink.groups.decide.GroupDecider;
import io.socialink.groups.metrics.GroupMetrics;
import io.socialink.groups.state.GroupStateSerde;
import io.socialink.schemas.avro.GroupReply;
import io.socialink.schemas.topics.Topic;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import io.socialink.streams.replies.ReplyKey;
import io.socialink.streams.replies.ReplyPartitioner;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.Stores;

/**
 * group-fanout's topology (Processor API): {@code group.commands} (key: groupId) into one
 * {@link GroupCommandProcessor} over the changelogged {@code group-state} store (groupId → state), out to
 * {@code group.events} (key: groupId), {@code group.replies} (key: requestId; partition: the command's
 * replyPartition, see {@link ReplyPartitioner}), {@code device.deliveries} (key: recipient device address) and
 * {@code metadata.groups} (key: groupId).
 *
 * <p>Guarantees, given {@code processing.guarantee=exactly_once_v2}: each command is decided exactly once against
 * the state all earlier commands of its group left (one partition, one task, in offset order: the single writer);
 * its events, copies, metadata, reply and state change become visible to read_committed consumers atomically, or
 * not at all. Copies to one device keep the order the commands were accepted in.
 */
public final class GroupFanoutTopology {

    public static final String STATE_STORE = "group-state";
    static final String SOURCE = "from-group.commands";
    static final String PROCESSOR = "group-commands";
    static final String EVENTS_SINK = "to-group.events";
    static final String REPLIES_SINK = "to-group.replies";
    static final String DELIVERIES_SINK = "to-device.deliveries";
    static final String METADATA_SINK = "to-metadata.groups";

    private GroupFanoutTopology() {}

    public static Topology build(TopicLayout layout, GroupSettings settings, GroupMetrics metrics) {
        return build(new Topology(), layout, settings, metrics, new ReplyPartitioner<>());
    }

    /** With another reply partitioner: TopologyTestDriver models every topic with a single partition. */
    public static Topology build(
            Topology topology,
            TopicLayout layout,
            GroupSettings settings,
            GroupMetrics metrics,
            StreamPartitioner<ReplyKey, GroupReply> replyPartitioner) {
        GroupDecider decider = new GroupDecider(settings.maxMembers());
        topology.addSource(
                SOURCE,
                Topics.GROUP_COMMANDS.keySerde().deserializer(),
                Topics.GROUP_COMMANDS.valueSerde().deserializer(),
                layout.name(Topics.GROUP_COMMANDS));
        topology.addProcessor(
                PROCESSOR, () -> new GroupCommandProcessor(decider, metrics, settings.stateCacheLeaves()), SOURCE);
        // a group of 1,500 users with several devices each is a few hundred KiB: above the broker's 1 MB default
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(STATE_STORE), Serdes.String(), new GroupStateSerde())
                        .withCachingEnabled()
                        .withLoggingEnabled(Map.of(
                                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Topic.LARGE_MESSAGE_BYTES))),
                PROCESSOR);
        topology.addSink(
                EVENTS_SINK,
                layout.name(Topics.GROUP_EVENTS),
                Topics.GROUP_EVENTS.keySerde().serializer(),
                Topics.GROUP_EVENTS.valueSerde().serializer(),
                PROCESSOR);
        topology.addSink(
                REPLIES_SINK,
                layout.name(Topics.GROUP_REPLIES),
                ReplyKey.SERIALIZER,
                Topics.GROUP_REPLIES.valueSerde().serializer(),
                replyPartitioner,
                PROCESSOR);
        topology.addSink(
                DELIVERIES_SINK,
                layout.name(Topics.DEVICE_DELIVERIES),
                Topics.DEVICE_DELIVERIES.keySerde().serializer(),
                Topics.DEVICE_DELIVERIES.valueSerde().serializer(),
                PROCESSOR);
        topology.addSink(
                METADATA_SINK,
                layout.name(Topics.METADATA_GROUPS),
                Topics.METADATA_GROUPS.keySerde().serializer(),
                Topics.METADATA_GROUPS.valueSerde().serializer(),
                PROCESSOR);
        return topology;
    }
}
