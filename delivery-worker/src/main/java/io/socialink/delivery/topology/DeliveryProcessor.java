package io.socialink.delivery.topology;

import io.socialink.delivery.config.DeliverySettings;
import io.socialink.delivery.metrics.DeliveryMetrics;
import io.socialink.delivery.queue.Deadline;
import io.socialink.delivery.queue.DeviceQueues;
import io.socialink.delivery.queue.QueueState;
import io.socialink.delivery.queue.StoreKeys;
import io.socialink.delivery.routing.NodeLiveness;
import io.socialink.delivery.routing.Route;
import io.socialink.delivery.routing.Routes;
import io.socialink.schemas.avro.Ack;
import io.socialink.schemas.avro.CloseReason;
import io.socialink.schemas.avro.ConnectionEvent;
import io.socialink.schemas.avro.ConnectionEventType;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.MessageEventType;
import io.socialink.schemas.avro.MessageMetadata;
import io.socialink.schemas.avro.Push;
import io.socialink.schemas.avro.PushKind;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery protocol for the devices of one Streams task: it reads deliveries, connection events and acks of
 * a device (co-partitioned, so always in the same task) and forwards {@link Push} records (key: device address)
 * and {@link MessageMetadata} records (key: messageId).
 *
 * <ul>
 *   <li>Each delivery is appended to its device's queue unless its messageId is queued or was acknowledged
 *   within the acked retention; a full queue drops its oldest entry (DROPPED).</li>
 *   <li>While a device has a route, queue entries are pushed in queue order, at most {@code in-flight} of them
 *   unacknowledged. A CONNECTED restarts from the head of the queue and closes an older connection (CLOSE, reason
 *   SUPERSEDED); QUEUE_EMPTY goes once to that connection when everything queued at connect time has left the
 *   queue.</li>
 *   <li>Acks remove entries (DELIVERED) and top the window up. Entries past {@code expiresAt} or the queue TTL
 *   expire (EXPIRED): the periodic sweep removes them, and every push (a drain on connect, a window topped up)
 *   checks the deadline first, so no copy is pushed after it. A route lives while the gateway incarnation holding
 *   its socket is heard of ({@link NodeLiveness}: NODE_ALIVE every interval on every partition); it is dropped when
 *   the incarnation was silent for three intervals of stream time, so a worker that lags keeps its routes.</li>
 *   <li>An entry pushed {@code max-pushes} times without an ack is dropped (DROPPED, reason redelivery-limit)
 *   instead of being pushed to every new connection forever.</li>
 *   <li>A {@code delete} device event first removes the still queued copy of the message it names from the
 *   device's queue (DELETED, reason for-everyone; its messageId then counts as acknowledged so a late duplicate is
 *   not queued again), then is queued itself so a device that has the message deletes it. A {@code call} event
 *   that ends a ring (cancelled, declined, missed, answered elsewhere) removes the undelivered ring it names the
 *   same way.</li>
 *   <li>An ephemeral delivery (typing, low-prekeys, ...) is pushed at once if the device has a route and dropped
 *   otherwise: never queued, outside the window, never acknowledged, no metadata.</li>
 *   <li>DEVICE_REMOVED (the device was deactivated) drops its whole queue (DROPPED, reason device-removed), closes
 *   its current connection (CLOSE, reason DEVICE_REMOVED) and forgets its route.</li>
 * </ul>
 *
 * <p>Metadata is only emitted for 1:1 client messages: server-made device events (receipts, delete notices) are not
 * messages and leave the queue silently; MLS group copies (groupId set) are reported by group-fanout on
 * metadata.groups and counted in this worker's metrics.
 *
 * <p>Entries leave a queue only on ack, expiry or overflow, so delivery is at least once: after a crash the task
 * restarts from its last exactly-once commit (stores and input offsets together), and the re-processed input and
 * the re-push of every inherited route's window (once, when the task starts) may push an entry twice; clients drop
 * duplicates by messageId. Queue order is arrival order in the device's
 * partition, which keeps the order of each sender device's sends.
 */
final class DeliveryProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(DeliveryProcessor.class);

    /** Due deadlines handled per punctuation, so one punctuation never stalls the task for long. */
    static final int DUE_BATCH = 10_000;

    /** The device event that deletes a message for everyone, and its attribute naming that message. */
    static final String DELETE_EVENT = "delete";

    /**
     * A call event (call-signaling's copies): one that ends a ring names the ring in its targetMessageId, and an
     * undelivered ring leaves the queue with it, as a deleted message does, so no device rings after the ring ended.
     */
    static final String CALL_EVENT = "call";

    static final String TARGET_MESSAGE_ID = "targetMessageId";
    static final String SCOPE = "scope";
    static final String SCOPE_ME = "me";

    static final String REASON_QUEUE_FULL = "queue-full";
    static final String REASON_REDELIVERY_LIMIT = "redelivery-limit";
    static final String REASON_FOR_EVERYONE = "for-everyone";
    static final String REASON_DEVICE_REMOVED = "device-removed";

    /** The key-value stores, all with a record cache (the acked-id window store has none). */
    static final List<String> KEY_VALUE_STORES = List.of(
            DeviceQueues.ENTRIES,
            DeviceQueues.IDS,
            DeviceQueues.DEADLINES,
            DeviceQueues.STATES,
            DeviceQueues.PUSH_COUNTS,
            Routes.STORE);

    private final DeliverySettings settings;
    private final int pushPartitions;
    private final DeliveryMetrics metrics;

    private ProcessorContext<String, SpecificRecord> context;
    private DeviceQueues queues;
    private Routes routes;
    private final NodeLiveness nodes = new NodeLiveness();
    private Map<String, String> inherited = Map.of();
    private @Nullable Cancellable resume;

    DeliveryProcessor(DeliverySettings settings, int pushPartitions, DeliveryMetrics metrics) {
        this.settings = settings;
        this.pushPartitions = pushPartitions;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.queues = new DeviceQueues(
                context.getStateStore(DeviceQueues.ENTRIES),
                context.getStateStore(DeviceQueues.IDS),
                context.getStateStore(DeviceQueues.ACKED),
                context.getStateStore(DeviceQueues.DEADLINES),
                context.getStateStore(DeviceQueues.STATES),
                context.getStateStore(DeviceQueues.PUSH_COUNTS),
                settings.queueTtl(),
                settings.ackedRetention());
        this.routes = new Routes(context.getStateStore(Routes.STORE));
        for (String store : KEY_VALUE_STORES) {
            if (!UnflushedDeletes.skipIn(context.getStateStore(store))) {
                log.warn(
                        "store {} has no record cache: a key deleted before the commit still writes a tombstone",
                        store);
            }
        }
        context.schedule(settings.expiryInterval(), PunctuationType.WALL_CLOCK_TIME, this::expireDue);
        context.schedule(settings.heartbeatInterval(), PunctuationType.STREAM_TIME, this::expireRoutes);

        // Routes restored from the changelog may have lost pushes in a crash (state written, push not):
        // push their windows again once, as soon as the task runs.
        Map<String, String> restored = new LinkedHashMap<>();
        routes.all().forEach(route -> restored.put(route.key, route.value.connectionId()));
        if (!restored.isEmpty()) {
            inherited = restored;
            resume = context.schedule(Duration.ofMillis(1), PunctuationType.WALL_CLOCK_TIME, this::resumeInherited);
        }
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        String address = record.key();
        SpecificRecord value = record.value();
        if (value instanceof ConnectionEvent alive && alive.getType() == ConnectionEventType.NODE_ALIVE) {
            // keyed by node, not by device: it only says the incarnation lives
            nodes.heard(alive.getIncarnation(), record.timestamp());
            return;
        }
        if (!StoreKeys.isUsableAddress(address) || value == null) {
            log.warn("skipping a record without a usable device address or value: key={}", address);
            return;
        }
        long now = context.currentSystemTimeMs();
        if (value instanceof Delivery delivery) {
            onDelivery(address, delivery, now);
        } else if (value instanceof ConnectionEvent event) {
            onConnectionEvent(address, event, record.timestamp(), now);
        } else if (value instanceof Ack ack) {
            onAck(address, ack, now);
        }
    }

    private void onDelivery(String address, Delivery delivery, long now) {
        if (delivery.getEphemeral()) {
            onEphemeral(address, delivery, now);
            return;
        }
        if (queues.isKnown(address, delivery.getMessageId(), now)) {
            metrics.duplicate();
            return;
        }
        if (queues.deadlineOf(delivery) <= now) {
            emitMetadata(delivery, MessageEventType.EXPIRED, null, now);
            metrics.expired();
            return;
        }
        QueueState state = queues.state(address);
        if (replacesCopy(delivery)) {
            state = removeDeletedCopy(address, state, delivery, now);
        }
        while (state.count() >= settings.maxQueueLength()) {
            DeviceQueues.Removed dropped = queues.removeHead(address, state);
            if (dropped == null) {
                break;
            }
            state = dropped.state();
            emitMetadata(dropped.delivery(), MessageEventType.DROPPED, REASON_QUEUE_FULL, now);
            metrics.dropped();
        }
        DeviceQueues.Entry appended = new DeviceQueues.Entry(state.nextSeq(), delivery);
        state = queues.append(address, state, delivery);
        metrics.queued();
        settle(address, state, routes.get(address), now, appended);
    }

    /** Pushed to the connection the device has now, if any; a device that is offline simply misses it. */
    private void onEphemeral(String address, Delivery delivery, long now) {
        Route route = routes.get(address);
        if (route == null || queues.deadlineOf(delivery) <= now) {
            return;
        }
        push(address, route, PushKind.ENVELOPE, delivery, now);
        metrics.pushed();
    }

    /** A delete, or a call event that ends a ring: it removes the copy its targetMessageId names from the queue. */
    private static boolean replacesCopy(Delivery delivery) {
        return delivery.getEvent() != null
                && (DELETE_EVENT.equals(delivery.getEvent().getType())
                        || CALL_EVENT.equals(delivery.getEvent().getType()));
    }

    private QueueState removeDeletedCopy(String address, QueueState state, Delivery delete, long now) {
        String target = delete.getEvent().getAttributes() == null
                ? null
                : delete.getEvent().getAttributes().get(TARGET_MESSAGE_ID);
        // a delete-for-me only tells the user's other devices; their undelivered copies stay for them to hide
        if (target == null || SCOPE_ME.equals(delete.getEvent().getAttributes().get(SCOPE))) {
            return state;
        }
        DeviceQueues.Removed removed = queues.removeMessage(address, state, target);
        if (removed == null) {
            return state;
        }
        queues.rememberAcked(address, target, now);
        emitMetadata(removed.delivery(), MessageEventType.DELETED, REASON_FOR_EVERYONE, now);
        metrics.deleted();
        return removed.state();
    }

    /** {@code at}: the record's timestamp, the stream time that route liveness is measured in. */
    private void onConnectionEvent(String address, ConnectionEvent event, long at, long now) {
        Route current = routes.get(address);
        String connectionId = event.getConnectionId();
        switch (event.getType()) {
            case CONNECTED -> onConnected(address, current, event, at, now);
            case DISCONNECTED -> {
                // a late DISCONNECTED of a replaced socket must not cut off the newer one
                if (current != null && current.isConnection(connectionId)) {
                    routes.remove(address);
                    queues.save(address, queues.state(address).disconnected());
                }
            }
            case DEVICE_REMOVED -> onDeviceRemoved(address, current, now);
            default -> log.debug("ignoring connection event {} of {}", event.getType(), address);
        }
    }

    private void onConnected(String address, @Nullable Route current, ConnectionEvent event, long at, long now) {
        int node = event.getGatewayNode();
        if (node < 0 || node >= pushPartitions) {
            log.warn("ignoring CONNECTED of {} on gateway node {}: nodes are 0..{}", address, node, pushPartitions - 1);
            return;
        }
        nodes.heard(event.getIncarnation(), at);
        if (current != null && current.isConnection(event.getConnectionId())) {
            return;
        }
        if (current != null) {
            close(address, current, CloseReason.SUPERSEDED, now);
        }
        Route route = new Route(node, event.getConnectionId(), event.getIncarnation(), at);
        routes.put(address, route);
        settle(address, queues.state(address).connected(), route, now);
    }

    /** The device is gone for good: nothing queued for it will ever be delivered. */
    private void onDeviceRemoved(String address, Route current, long now) {
        if (current != null) {
            // the reason lets the node holding the socket, whichever it is, close it with 4410 instead of 4409
            close(address, current, CloseReason.DEVICE_REMOVED, now);
            routes.remove(address);
        }
        QueueState state = queues.state(address);
        DeviceQueues.Removed dropped;
        while ((dropped = queues.removeHead(address, state)) != null) {
            state = dropped.state();
            emitMetadata(dropped.delivery(), MessageEventType.DROPPED, REASON_DEVICE_REMOVED, now);
            metrics.dropped();
        }
        queues.save(address, state.disconnected());
    }

    private void onAck(String address, Ack ack, long now) {
        QueueState state = queues.state(address);
        long at = ack.getAt() == null ? now : ack.getAt().toEpochMilli();
        boolean removedAny = false;
        for (String messageId : ack.getMessageIds()) {
            DeviceQueues.Removed removed = queues.removeMessage(address, state, messageId);
            if (removed != null) {
                removedAny = true;
                state = removed.state();
                queues.rememberAcked(address, messageId, now);
                emitMetadata(removed.delivery(), MessageEventType.DELIVERED, null, at);
                metrics.acked();
            }
        }
        if (removedAny) {
            settle(address, state, routes.get(address), now);
        }
    }

    private void expireDue(long now) {
        Map<String, QueueState> touched = new LinkedHashMap<>();
        for (Deadline due : queues.due(now, DUE_BATCH)) {
            String address = due.address();
            QueueState state = touched.containsKey(address) ? touched.get(address) : queues.state(address);
            switch (due.kind()) {
                case QUEUE -> {
                    DeviceQueues.Swept swept = queues.sweepQueue(due, state, now);
                    swept.expired().forEach(delivery -> expired(delivery, now));
                    touched.put(address, swept.state());
                }
                case ENTRY -> {
                    Delivery entry = queues.entry(address, due.seq());
                    boolean stillDue = entry != null && queues.deadlineOf(entry) <= now;
                    if (!stillDue) {
                        // left over from an entry removed under another TTL setting or by an earlier version
                        queues.forget(due);
                        continue;
                    }
                    // the entry was read just above, so it is there to remove
                    DeviceQueues.Removed removed = Objects.requireNonNull(queues.remove(address, state, due.seq()));
                    touched.put(address, removed.state());
                    expired(removed.delivery(), now);
                }
                case ACKED -> queues.forget(due);
            }
        }
        touched.forEach((address, state) -> settle(address, state, routes.get(address), now));
    }

    private void expired(Delivery delivery, long now) {
        emitMetadata(delivery, MessageEventType.EXPIRED, null, now);
        metrics.expired();
    }

    /** {@code streamTime}: this task's stream time (a STREAM_TIME punctuation). */
    private void expireRoutes(long streamTime) {
        long timeout = settings.routeTimeout().toMillis();
        for (KeyValue<String, Route> route : routes.all()) {
            Route value = route.value;
            long alive = Math.max(value.connectedAt(), nodes.lastHeard(value.incarnation(), streamTime));
            if (streamTime - alive >= timeout) {
                log.info(
                        "route of {} to connection {} on node {} expired: its gateway incarnation {} went silent",
                        route.key,
                        value.connectionId(),
                        value.gatewayNode(),
                        value.incarnation());
                routes.remove(route.key);
                queues.save(route.key, queues.state(route.key).disconnected());
                metrics.routeExpired();
            }
        }
        nodes.forgetSilentSince(streamTime - timeout);
    }

    private void resumeInherited(long now) {
        if (resume != null) {
            resume.cancel();
        }
        inherited.forEach((address, connectionId) -> {
            Route route = routes.get(address);
            if (route != null && route.isConnection(connectionId)) {
                settle(address, queues.state(address).windowRestarted(), route, now);
            }
        });
        inherited = Map.of();
    }

    /** Pushes what the window allows, reports an emptied queue, and stores the queue state. */
    private void settle(String address, QueueState state, Route route, long now) {
        settle(address, state, route, now, null);
    }

    /** As above; {@code appended} is the entry this event just appended, which the window then need not read back. */
    private void settle(
            String address, QueueState state, Route route, long now, DeviceQueues.@Nullable Entry appended) {
        if (route != null) {
            state = fillWindow(address, state, route, now, appended);
            if (state.awaitingEmpty() && !queues.hasEntryUpTo(address, state, state.drainUntil())) {
                push(address, route, PushKind.QUEUE_EMPTY, null, now);
                state = state.drained();
            }
        }
        queues.save(address, state);
    }

    /**
     * Pushes entries after the last pushed one until the window is full, dropping on the way those past their
     * deadline (EXPIRED, as the sweep would: the sweep runs only every {@code expiry-interval}) and those pushed
     * {@code max-pushes} times already: a client that never acks them would otherwise get them on every connect.
     */
    private QueueState fillWindow(
            String address, QueueState state, Route route, long now, DeviceQueues.@Nullable Entry appended) {
        while (!state.windowFull(settings.inFlight())) {
            if (state.pushedThrough() >= state.nextSeq() - 1) {
                // every entry there is was pushed to this connection: nothing to read
                break;
            }
            int room = settings.inFlight() - state.inFlight();
            // the usual case: the window waits on nothing but the entry just appended, which is known already
            // (once: it may be removed below without moving pushedThrough)
            List<DeviceQueues.Entry> next = appended != null && appended.seq() == state.pushedThrough() + 1
                    ? List.of(appended)
                    : queues.entriesFrom(address, state, state.pushedThrough() + 1, room);
            appended = null;
            if (next.isEmpty()) {
                break;
            }
            for (DeviceQueues.Entry entry : next) {
                if (queues.deadlineOf(entry.delivery()) <= now) {
                    // due before the sweep came to it: never pushed late; removing it also drops its deadline, so
                    // the sweep does not report it a second time
                    state = Objects.requireNonNull(queues.remove(address, state, entry.seq()))
                            .state();
                    expired(entry.delivery(), now);
                    continue;
                }
                int pushes = queues.pushCount(address, state, entry.seq());
                if (pushes >= settings.maxPushes()) {
                    // removed from the store, so the next look-up after pushedThrough skips it
                    state = Objects.requireNonNull(queues.remove(address, state, entry.seq()))
                            .state();
                    log.warn(
                            "dropping message {} of {}: pushed {} times without an ack",
                            entry.delivery().getMessageId(),
                            address,
                            settings.maxPushes());
                    emitMetadata(entry.delivery(), MessageEventType.DROPPED, REASON_REDELIVERY_LIMIT, now);
                    metrics.dropped();
                    metrics.redeliveryLimited();
                    continue;
                }
                push(address, route, PushKind.ENVELOPE, entry.delivery(), now);
                state = queues.countPush(address, state, entry.seq(), pushes).pushed(entry.seq());
                metrics.pushed();
            }
        }
        return state;
    }

    private void push(String address, Route route, PushKind kind, @Nullable Delivery envelope, long now) {
        forward(
                address,
                Push.newBuilder()
                        .setConnectionId(route.connectionId())
                        .setKind(kind)
                        .setGatewayNode(route.gatewayNode())
                        .setEnvelope(envelope)
                        .build(),
                now);
    }

    private void close(String address, Route route, CloseReason reason, long now) {
        forward(
                address,
                Push.newBuilder()
                        .setConnectionId(route.connectionId())
                        .setKind(PushKind.CLOSE)
                        .setGatewayNode(route.gatewayNode())
                        .setEnvelope(null)
                        .setCloseReason(reason)
                        .build(),
                now);
    }

    private void forward(String address, Push push, long now) {
        context.forward(new Record<>(address, push, now));
    }

    private void emitMetadata(Delivery delivery, MessageEventType event, @Nullable String reason, long at) {
        // Group copies have no per-recipient status (a 1,500-member group would turn one message into 1,500
        // status rows and receipts): group-fanout reports group activity on metadata.groups instead.
        if (delivery.getEvent() != null || delivery.getGroupId() != null) {
            return;
        }
        MessageMetadata metadata = MessageMetadata.newBuilder()
                .setMessageId(delivery.getMessageId())
                .setEvent(event)
                .setSenderUserId(delivery.getSenderUserId())
                .setSenderDeviceId(delivery.getSenderDeviceId())
                .setRecipientUserId(delivery.getRecipientUserId())
                .setRecipientDeviceId(delivery.getRecipientDeviceId())
                .setCiphertextBytes(delivery.getContent().remaining())
                .setAt(Instant.ofEpochMilli(at))
                .setReason(reason)
                .build();
        context.forward(new Record<>(delivery.getMessageId(), metadata, context.currentSystemTimeMs()));
    }
}
