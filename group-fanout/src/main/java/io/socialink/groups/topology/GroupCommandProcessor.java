package io.socialink.groups.topology;

import io.socialink.groups.decide.Decision;
import io.socialink.groups.decide.GroupDecider;
import io.socialink.groups.decide.GroupEvolver;
import io.socialink.groups.decide.Problem;
import io.socialink.groups.metrics.GroupMetrics;
import io.socialink.groups.state.GroupState;
import io.socialink.schemas.avro.CommitBundle;
import io.socialink.schemas.avro.CreateGroup;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.GroupCommand;
import io.socialink.schemas.avro.GroupEvent;
import io.socialink.schemas.avro.GroupMessage;
import io.socialink.schemas.avro.LeaveGroup;
import io.socialink.streams.replies.ReplyKey;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jspecify.annotations.Nullable;

/**
 * The single writer of the groups of one {@code group.commands} partition: for each command it loads the group's
 * state, {@link GroupDecider#decide decides}, {@link GroupEvolver#evolve evolves} and stores the state, and
 * forwards the decision's events, per-device copies, metadata and reply to their sinks. Under exactly-once
 * processing all of it (and the state's changelog) commits in one transaction with the command's offset, so the
 * gateway's read_committed consumer sees a reply only together with everything the command caused, and a command
 * processed again after a crash leaves no trace of the first attempt.
 *
 * <p>Decoded states are kept in a per-task LRU cache next to the store, bounded by their total leaves: decoding a
 * 3,000-leaf state costs about a quarter of fanning a message out to its devices, and messages do not change the
 * state. Every write goes to both, so they never differ within the task's life, and the cache is emptied whenever
 * the task is (re)initialised, e.g. after an aborted transaction restored the store from its changelog.
 */
public final class GroupCommandProcessor implements Processor<String, GroupCommand, Object, SpecificRecord> {

    private final GroupDecider decider;
    private final GroupMetrics metrics;
    private final StateCache cache;
    private ProcessorContext<Object, SpecificRecord> context;
    private KeyValueStore<String, GroupState> store;

    /** @param cacheLeaves the most leaves the cached states may hold together; 0 disables the cache */
    public GroupCommandProcessor(GroupDecider decider, GroupMetrics metrics, int cacheLeaves) {
        this.decider = decider;
        this.metrics = metrics;
        this.cache = new StateCache(cacheLeaves);
    }

    @Override
    public void init(ProcessorContext<Object, SpecificRecord> context) {
        this.context = context;
        this.store = context.getStateStore(GroupFanoutTopology.STATE_STORE);
        cache.clear();
    }

    @Override
    public void process(Record<String, GroupCommand> record) {
        GroupCommand command = record.value();
        if (command == null) {
            return;
        }
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        String groupId = command.getGroupId();
        Decision decision;
        @Nullable GroupState state;
        if (!groupId.equals(record.key())) {
            // on another key it may sit on another partition than its group: this task is not the group's writer
            state = null;
            decision = decider.reject(
                    command, null, Problem.INVALID_MLS_MESSAGE, "the command's Kafka key is not its groupId", now);
        } else {
            state = load(groupId);
            decision = decider.decide(command, state, now);
            GroupState after = GroupEvolver.evolve(state, decision.events());
            if (after != null && after != state) {
                store.put(groupId, after);
                cache.put(groupId, after);
            }
        }
        forward(command, decision);
        metrics.decided(
                commandName(command),
                decision.accepted() ? (decision.events().isEmpty() ? "retry" : "accepted") : "rejected",
                decision.reply().getProblemType());
        metrics.fannedOut(decision.deliveries().size());
    }

    private @Nullable GroupState load(String groupId) {
        GroupState cached = cache.get(groupId);
        if (cached != null) {
            metrics.stateLookup(true);
            return cached;
        }
        metrics.stateLookup(false);
        GroupState stored = store.get(groupId);
        if (stored != null) {
            cache.put(groupId, stored);
        }
        return stored;
    }

    private void forward(GroupCommand command, Decision decision) {
        long timestamp = context.currentSystemTimeMs();
        String groupId = command.getGroupId();
        for (GroupEvent event : decision.events()) {
            context.forward(new Record<>(groupId, event, timestamp), GroupFanoutTopology.EVENTS_SINK);
        }
        for (Delivery delivery : decision.deliveries()) {
            String address = delivery.getRecipientUserId() + "." + delivery.getRecipientDeviceId();
            context.forward(new Record<>(address, delivery, timestamp), GroupFanoutTopology.DELIVERIES_SINK);
        }
        if (decision.metadata() != null) {
            context.forward(new Record<>(groupId, decision.metadata(), timestamp), GroupFanoutTopology.METADATA_SINK);
        }
        context.forward(
                new Record<>(
                        new ReplyKey(command.getRequestId(), command.getReplyPartition()), decision.reply(), timestamp),
                GroupFanoutTopology.REPLIES_SINK);
    }

    private static String commandName(GroupCommand command) {
        Object body = command.getCommand();
        if (body instanceof CreateGroup) {
            return "create";
        }
        if (body instanceof CommitBundle) {
            return "commit";
        }
        if (body instanceof GroupMessage) {
            return "message";
        }
        return body instanceof LeaveGroup ? "leave" : "unknown";
    }

    @Override
    public void close() {
        cache.clear();
    }

    /** An access-ordered LRU of decoded states, weighed by their leaves. */
    private static final class StateCache {

        private final int maxLeaves;
        private final LinkedHashMap<String, GroupState> states = new LinkedHashMap<>(16, 0.75f, true);
        private long leaves;

        StateCache(int maxLeaves) {
            this.maxLeaves = maxLeaves;
        }

        @Nullable
        GroupState get(String groupId) {
            return states.get(groupId);
        }

        void put(String groupId, GroupState state) {
            GroupState previous = states.remove(groupId);
            if (previous != null) {
                leaves -= weight(previous);
            }
            if (weight(state) > maxLeaves) {
                return;
            }
            states.put(groupId, state);
            leaves += weight(state);
            Iterator<Map.Entry<String, GroupState>> eldest = states.entrySet().iterator();
            while (leaves > maxLeaves && eldest.hasNext()) {
                leaves -= weight(eldest.next().getValue());
                eldest.remove();
            }
        }

        void clear() {
            states.clear();
            leaves = 0;
        }

        private static int weight(GroupState state) {
            return Math.max(1, state.leaves().size());
        }
    }
}
