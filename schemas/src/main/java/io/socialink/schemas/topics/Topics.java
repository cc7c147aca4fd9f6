package io.socialink.schemas.topics;

import io.socialink.schemas.avro.Ack;
import io.socialink.schemas.avro.CallCommand;
import io.socialink.schemas.avro.CallEvent;
import io.socialink.schemas.avro.CallMetadata;
import io.socialink.schemas.avro.CallReply;
import io.socialink.schemas.avro.ConnectionEvent;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.GroupCommand;
import io.socialink.schemas.avro.GroupEvent;
import io.socialink.schemas.avro.GroupMetadata;
import io.socialink.schemas.avro.GroupReply;
import io.socialink.schemas.avro.MessageMetadata;
import io.socialink.schemas.avro.Push;
import io.socialink.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** The topic catalog: every topic of the system, declared once, with its serdes. */
public final class Topics {

    private static final Serde<String> STRING = Serdes.String();

    /** Ciphertext copies, one per recipient device; the delivery-worker's input. */
    public static final Topic<String, Delivery> DEVICE_DELIVERIES = new Topic<>(
            "device.deliveries",
            STRING,
            new AvroSerde<>(Delivery.class),
            PartitionGroup.DEVICE,
            Duration.ofDays(30),
            false,
            Topic.LARGE_MESSAGE_BYTES);

    /**
     * Socket connected / disconnected per device, and each gateway node's NODE_ALIVE on every partition (key
     * {@link #nodeAliveKey}); compacted to the latest state.
     */
    public static final Topic<String, ConnectionEvent> DEVICE_CONNECTIONS = new Topic<>(
            "device.connections", STRING, new AvroSerde<>(ConnectionEvent.class), PartitionGroup.DEVICE, null, true);

    /** The key of gateway node {@code node}'s NODE_ALIVE events: never a device address (it has no dot). */
    public static String nodeAliveKey(int node) {
        return "gateway-node:" + node;
    }

    /** Envelope acknowledgements from devices. */
    public static final Topic<String, Ack> DEVICE_ACKS = new Topic<>(
            "device.acks", STRING, new AvroSerde<>(Ack.class), PartitionGroup.DEVICE, Duration.ofDays(7), false);

    /** Frames for live sockets; the partition is the gateway node that holds the socket. */
    public static final Topic<String, Push> GATEWAY_PUSH = new Topic<>(
            "gateway.push",
            STRING,
            new AvroSerde<>(Push.class),
            PartitionGroup.GATEWAY_PUSH,
            Duration.ofHours(1),
            false,
            Topic.LARGE_MESSAGE_BYTES);

    /** Message metadata for analytics, never ciphertext. Key: messageId. */
    public static final Topic<String, MessageMetadata> METADATA_MESSAGES = new Topic<>(
            "metadata.messages",
            STRING,
            new AvroSerde<>(MessageMetadata.class),
            PartitionGroup.METADATA,
            Duration.ofDays(7),
            false);

    /** Requests to group-fanout, the single writer of each group: create, commit bundle, message, leave. */
    public static final Topic<String, GroupCommand> GROUP_COMMANDS = new Topic<>(
            "group.commands",
            STRING,
            new AvroSerde<>(GroupCommand.class),
            PartitionGroup.GROUP,
            Duration.ofDays(30),
            false,
            Topic.LARGE_MESSAGE_BYTES);

    /** The groups' event store: the state of a group is the fold of its events. Kept forever, no ciphertext. */
    public static final Topic<String, GroupEvent> GROUP_EVENTS =
            new Topic<>("group.events", STRING, new AvroSerde<>(GroupEvent.class), PartitionGroup.GROUP, null, false);

    /** group-fanout's verdicts; the partition is the gateway node waiting for it. Key: requestId. */
    public static final Topic<String, GroupReply> GROUP_REPLIES = new Topic<>(
            "group.replies",
            STRING,
            new AvroSerde<>(GroupReply.class),
            PartitionGroup.GATEWAY_PUSH,
            Duration.ofHours(1),
            false);

    /** Group activity for analytics, never ciphertext. Key: groupId. */
    public static final Topic<String, GroupMetadata> METADATA_GROUPS = new Topic<>(
            "metadata.groups",
            STRING,
            new AvroSerde<>(GroupMetadata.class),
            PartitionGroup.METADATA,
            Duration.ofDays(7),
            false);

    /** Requests to call-signaling, the single writer of each call: initiate, answer, decline, end, ICE. */
    public static final Topic<String, CallCommand> CALL_COMMANDS = new Topic<>(
            "call.commands",
            STRING,
            new AvroSerde<>(CallCommand.class),
            PartitionGroup.GROUP,
            Duration.ofDays(30),
            false);

    /** The calls' event store and the source of the call history projection. Kept forever, no ciphertext. */
    public static final Topic<String, CallEvent> CALL_EVENTS =
            new Topic<>("call.events", STRING, new AvroSerde<>(CallEvent.class), PartitionGroup.GROUP, null, false);

    /** call-signaling's verdicts; the partition is the gateway node waiting for it. Key: requestId. */
    public static final Topic<String, CallReply> CALL_REPLIES = new Topic<>(
            "call.replies",
            STRING,
            new AvroSerde<>(CallReply.class),
            PartitionGroup.GATEWAY_PUSH,
            Duration.ofHours(1),
            false);

    /**
     * The users in an accepted call now (key: userId, value: callId; a tombstone when it ends), compacted:
     * call-signaling writes it and reads it back whole on every instance to refuse a call to a busy user.
     */
    public static final Topic<String, String> CALL_LINES =
            new Topic<>("call.lines", STRING, STRING, PartitionGroup.GROUP, null, true);

    /** Call activity for analytics: outcome, media, durations; never SDP or candidates. Key: callId. */
    public static final Topic<String, CallMetadata> METADATA_CALLS = new Topic<>(
            "metadata.calls",
            STRING,
            new AvroSerde<>(CallMetadata.class),
            PartitionGroup.METADATA,
            Duration.ofDays(7),
            false);

    /**
     * The analytics app's figures per UTC minute (messages by kind, receipt latencies), JSON; compacted to the latest
     * figures of each minute. Key: the minute, e.g. {@code 2026-12-05T07:41Z}. Never user ids or content.
     */
    public static final Topic<String, String> ANALYTICS_MINUTES =
            new Topic<>("analytics.minutes", STRING, STRING, PartitionGroup.METADATA, null, true);

    /**
     * The analytics app's figures per UTC day (active devices, group churn and sizes), JSON; compacted to the latest
     * figures of each day. Key: the day, e.g. {@code 2026-12-05}. Never user ids or content.
     */
    public static final Topic<String, String> ANALYTICS_DAYS =
            new Topic<>("analytics.days", STRING, STRING, PartitionGroup.METADATA, null, true);

    public static final List<Topic<?, ?>> ALL = List.of(
            DEVICE_DELIVERIES,
            DEVICE_CONNECTIONS,
            DEVICE_ACKS,
            GATEWAY_PUSH,
            METADATA_MESSAGES,
            GROUP_COMMANDS,
            GROUP_EVENTS,
            GROUP_REPLIES,
            METADATA_GROUPS,
            CALL_COMMANDS,
            CALL_EVENTS,
            CALL_REPLIES,
            CALL_LINES,
            METADATA_CALLS,
            ANALYTICS_MINUTES,
            ANALYTICS_DAYS);

    private Topics() {}
}
