package io.socialink.calls.topology;

import io.socialink.calls.config.CallSettings;
import io.socialink.calls.decide.CallDecider;
import io.socialink.calls.metrics.CallMetrics;
import io.socialink.schemas.avro.CallReply;
import io.socialink.schemas.avro.CallState;
import io.socialink.schemas.serde.AvroSerde;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import io.socialink.streams.replies.ReplyKey;
import io.socialink.streams.replies.ReplyPartitioner;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * call-signaling's topology (Processor API): {@code call.commands} (key: callId) into one
 * {@link CallCommandProcessor} over the changelogged {@code call-state} store (callId → state), out to {@code call.events} (key: callId), {@code call.replies} (key: requestId; partition: the command's
 * replyPartition), {@code device.deliveries} (key: recipient device address), {@code metadata.calls} (key: callId)
 * and {@code call.lines} (key: userId). {@code call.lines} is read back whole on every instance as the global
 * {@code call-lines} store, the busy rule's view of who is in an accepted call.
 *
 * <p>Guarantees, given {@code processing.guarantee=exactly_once_v2}: each command is decided exactly once against
 * the state all earlier commands of its call left (one partition, one task, in offset order: the single writer);
 * its events, copies, metadata, reply and state change become visible to read_committed consumers atomically, or
 * not at all. A deadline's effects (a missed call) commit the same way.
 */
public final class CallSignalingTopology {

    public static final String STATE_STORE = "call-state";
    public static final String LINES_STORE = "call-lines";
    static final String SOURCE = "from-call.commands";
    static final String PROCESSOR = "call-commands";
    static final String LINES_SOURCE = "from-call.lines";
    static final String LINES_PROCESSOR = "call-lines-updater";
    static final String EVENTS_SINK = "to-call.events";
    static final String REPLIES_SINK = "to-call.replies";
    static final String DELIVERIES_SINK = "to-device.deliveries";
    static final String METADATA_SINK = "to-metadata.calls";
    static final String LINES_SINK = "to-call.lines";

    private CallSignalingTopology() {}

    public static Topology build(TopicLayout layout, CallSettings settings, CallMetrics metrics) {
        return build(new Topology(), layout, settings, metrics, new ReplyPartitioner<>());
    }

    /** With another reply partitioner: TopologyTestDriver models every topic with a single partition. */
    public static Topology build(
            Topology topology,
            TopicLayout layout,
            CallSettings settings,
            CallMetrics metrics,
            StreamPartitioner<ReplyKey, CallReply> replyPartitioner) {
        CallDecider decider = new CallDecider(
                settings.ringTimeout(), settings.maxDuration(), settings.endedRetention(), settings.maxCandidates());
        topology.addSource(
                SOURCE,
                Topics.CALL_COMMANDS.keySerde().deserializer(),
                Topics.CALL_COMMANDS.valueSerde().deserializer(),
                layout.name(Topics.CALL_COMMANDS));
        topology.addProcessor(
                PROCESSOR, () -> new CallCommandProcessor(decider, metrics, settings.timeoutCheckInterval()), SOURCE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(STATE_STORE),
                                Serdes.String(),
                                new AvroSerde<>(CallState.class))
                        .withCachingEnabled(),
                PROCESSOR);
        // a global store is restored from its topic, never changelogged
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(LINES_STORE), Serdes.String(), Serdes.String())
                        .withLoggingDisabled(),
                LINES_SOURCE,
                Topics.CALL_LINES.keySerde().deserializer(),
                Topics.CALL_LINES.valueSerde().deserializer(),
                layout.name(Topics.CALL_LINES),
                LINES_PROCESSOR,
                LinesUpdater::new);
        topology.addSink(
                EVENTS_SINK,
                layout.name(Topics.CALL_EVENTS),
                Topics.CALL_EVENTS.keySerde().serializer(),
                Topics.CALL_EVENTS.valueSerde().serializer(),
                PROCESSOR);
        topology.addSink(
                REPLIES_SINK,
                layout.name(Topics.CALL_REPLIES),
                ReplyKey.SERIALIZER,
                Topics.CALL_REPLIES.valueSerde().serializer(),
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
                layout.name(Topics.METADATA_CALLS),
                Topics.METADATA_CALLS.keySerde().serializer(),
                Topics.METADATA_CALLS.valueSerde().serializer(),
                PROCESSOR);
        topology.addSink(
                LINES_SINK,
                layout.name(Topics.CALL_LINES),
                Topics.CALL_LINES.keySerde().serializer(),
                Topics.CALL_LINES.valueSerde().serializer(),
                PROCESSOR);
        return topology;
    }

    /** Keeps the global {@code call-lines} store equal to {@code call.lines}: a tombstone frees the user's line. */
    static final class LinesUpdater implements Processor<String, String, Void, Void> {

        private KeyValueStore<String, String> lines;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            lines = context.getStateStore(LINES_STORE);
        }

        @Override
        public void process(Record<String, String> record) {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                lines.delete(record.key());
            } else {
                lines.put(record.key(), record.value());
            }
        }
    }
}
