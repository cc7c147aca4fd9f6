package io.socialink.calls.topology;

import io.socialink.calls.decide.CallDecider;
import io.socialink.calls.decide.Decision;
import io.socialink.calls.metrics.CallMetrics;
import io.socialink.schemas.avro.AnswerCall;
import io.socialink.schemas.avro.CallCommand;
import io.socialink.schemas.avro.CallEvent;
import io.socialink.schemas.avro.CallReply;
import io.socialink.schemas.avro.CallState;
import io.socialink.schemas.avro.DeclineCall;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.EndCall;
import io.socialink.schemas.avro.InitiateCall;
import io.socialink.schemas.avro.ReadIce;
import io.socialink.schemas.avro.RelayIce;
import io.socialink.streams.replies.ReplyKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jspecify.annotations.Nullable;

/**
 * The single writer of the calls of one {@code call.commands} partition: for each command it loads the call's
 * state, {@link CallDecider#decide decides}, stores the state and forwards the decision's events, per-device copies,
 * metadata, line changes and reply to their sinks. Every second (wall-clock time) it ends the calls whose deadline
 * passed (ring timeout → missed, the longest call → completed, an ended call's retention → forgotten), found in an
 * in-memory index of the task's calls by deadline (key: the deadline, zero-padded, then the callId). The index is
 * derived from the {@code call-state} store whenever the task is initialised (after a restore, a rebalance or an
 * aborted transaction), so it needs no changelog of its own: a state change writes one changelog record, not three.
 * Under exactly-once processing
 * all of it commits in one transaction with the command's offset: a command processed again after a crash leaves no
 * trace of the first attempt, and a missed call is ended once.
 */
public final class CallCommandProcessor implements Processor<String, CallCommand, Object, Object> {

    /** Due deadlines handled per punctuation, so one punctuation never stalls the task for long. */
    static final int DUE_BATCH = 10_000;

    private final CallDecider decider;
    private final CallMetrics metrics;
    private final Duration checkInterval;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, CallState> calls;
    private final NavigableMap<String, String> deadlines = new TreeMap<>();
    private CallDecider.Lines lines;

    public CallCommandProcessor(CallDecider decider, CallMetrics metrics, Duration checkInterval) {
        this.decider = decider;
        this.metrics = metrics;
        this.checkInterval = checkInterval;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.calls = context.getStateStore(CallSignalingTopology.STATE_STORE);
        deadlines.clear();
        try (KeyValueIterator<String, CallState> all = calls.all()) {
            all.forEachRemaining(
                    entry -> deadlines.put(DeadlineKeys.of(decider.deadline(entry.value), entry.key), entry.key));
        }
        KeyValueStore<String, String> lineStore = context.getStateStore(CallSignalingTopology.LINES_STORE);
        this.lines = lineStore::get;
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::deadlinesDue);
    }

    @Override
    public void process(Record<String, CallCommand> record) {
        CallCommand command = record.value();
        if (command == null) {
            return;
        }
        long now = context.currentSystemTimeMs();
        String callId = command.getCallId();
        CallState before = callId.equals(record.key()) ? calls.get(callId) : null;
        Decision decision =
                callId.equals(record.key()) ? decider.decide(command, before, now, lines) : keyMismatch(command);
        apply(callId, before, decision, command);
        CallReply reply = decision.reply();
        metrics.decided(
                commandName(command),
                decision.accepted() ? "accepted" : "rejected",
                reply == null ? null : reply.getProblemType());
    }

    private void deadlinesDue(long now) {
        List<Map.Entry<String, String>> due = new ArrayList<>();
        for (Map.Entry<String, String> entry :
                deadlines.headMap(DeadlineKeys.upTo(now), true).entrySet()) {
            if (due.size() >= DUE_BATCH) {
                break;
            }
            due.add(Map.entry(entry.getKey(), entry.getValue()));
        }
        for (Map.Entry<String, String> entry : due) {
            String callId = entry.getValue();
            CallState call = calls.get(callId);
            if (call == null || !entry.getKey().equals(DeadlineKeys.of(decider.deadline(call), callId))) {
                deadlines.remove(entry.getKey());
                continue;
            }
            apply(callId, call, decider.deadlineReached(call, now), null);
        }
    }

    private void apply(String callId, @Nullable CallState before, Decision decision, @Nullable CallCommand command) {
        if (decision.stateChanged()) {
            if (before != null) {
                deadlines.remove(DeadlineKeys.of(decider.deadline(before), callId));
            }
            CallState after = decision.state();
            if (after == null) {
                calls.delete(callId);
            } else {
                calls.put(callId, after);
                deadlines.put(DeadlineKeys.of(decider.deadline(after), callId), callId);
                if (before == null || before.getPhase() != after.getPhase()) {
                    if (after.getOutcome() != null) {
                        metrics.ended(after.getOutcome().name().toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        long timestamp = context.currentSystemTimeMs();
        for (CallEvent event : decision.events()) {
            context.forward(new Record<>(callId, event, timestamp), CallSignalingTopology.EVENTS_SINK);
        }
        for (Delivery delivery : decision.deliveries()) {
            String address = delivery.getRecipientUserId() + "." + delivery.getRecipientDeviceId();
            context.forward(new Record<>(address, delivery, timestamp), CallSignalingTopology.DELIVERIES_SINK);
        }
        metrics.delivered(decision.deliveries().size());
        if (decision.metadata() != null) {
            context.forward(new Record<>(callId, decision.metadata(), timestamp), CallSignalingTopology.METADATA_SINK);
        }
        for (Map.Entry<String, Optional<String>> line : decision.lines().entrySet()) {
            String value = line.getValue().orElse(null);
            if (value == null && !callId.equals(lines.callOf(line.getKey()))) {
                continue; // the user's line belongs to another call by now (or is free): leave it
            }
            context.forward(new Record<>(line.getKey(), value, timestamp), CallSignalingTopology.LINES_SINK);
        }
        if (command != null && decision.reply() != null) {
            context.forward(
                    new Record<>(
                            new ReplyKey(command.getRequestId(), command.getReplyPartition()),
                            decision.reply(),
                            timestamp),
                    CallSignalingTopology.REPLIES_SINK);
        }
    }

    /** On another key the command may sit on another partition than its call: this task is not its writer. */
    private static Decision keyMismatch(CallCommand command) {
        CallReply reply = CallReply.newBuilder()
                .setRequestId(command.getRequestId())
                .setCallId(command.getCallId())
                .setStatus(400)
                .setProblemType("bad-request")
                .setDetail("the command's Kafka key is not its callId")
                .build();
        return new Decision(null, false, List.of(), List.of(), null, reply, Map.of());
    }

    private static String commandName(CallCommand command) {
        Object body = command.getCommand();
        if (body instanceof InitiateCall) {
            return "initiate";
        }
        if (body instanceof AnswerCall) {
            return "answer";
        }
        if (body instanceof DeclineCall) {
            return "decline";
        }
        if (body instanceof EndCall) {
            return "end";
        }
        if (body instanceof RelayIce) {
            return "ice";
        }
        return body instanceof ReadIce ? "read-ice" : "unknown";
    }
}
