package io.socialink.calls.decide;

import io.socialink.schemas.avro.AnswerCall;
import io.socialink.schemas.avro.CallAccepted;
import io.socialink.schemas.avro.CallCommand;
import io.socialink.schemas.avro.CallEnded;
import io.socialink.schemas.avro.CallEvent;
import io.socialink.schemas.avro.CallInitiated;
import io.socialink.schemas.avro.CallMedia;
import io.socialink.schemas.avro.CallMetadata;
import io.socialink.schemas.avro.CallOutcome;
import io.socialink.schemas.avro.CallPayload;
import io.socialink.schemas.avro.CallPhase;
import io.socialink.schemas.avro.CallReply;
import io.socialink.schemas.avro.CallState;
import io.socialink.schemas.avro.DeclineCall;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.EndCall;
import io.socialink.schemas.avro.InitiateCall;
import io.socialink.schemas.avro.ReadIce;
import io.socialink.schemas.avro.RelayIce;
import io.socialink.schemas.avro.StoredCandidate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The call state machine (docs/architecture.md, "Calls"): ringing → accepted → ended (completed), ringing → ended
 * (declined, missed, cancelled), or ended as busy at once. Pure: a command (or a due deadline), the call's state and
 * the users in accepted calls in; a {@link Decision} out. Only the first answer finds the call ringing, so it alone
 * wins; a refused command changes nothing.
 */
public final class CallDecider {

    /** Who is in an accepted call now: userId → callId (the global {@code call.lines} store). */
    public interface Lines {
        @Nullable
        String callOf(String userId);
    }

    private final Duration ringTimeout;
    private final Duration maxDuration;
    private final Duration endedRetention;
    private final int maxCandidates;

    public CallDecider(Duration ringTimeout, Duration maxDuration, Duration endedRetention, int maxCandidates) {
        this.ringTimeout = ringTimeout;
        this.maxDuration = maxDuration;
        this.endedRetention = endedRetention;
        this.maxCandidates = maxCandidates;
    }

    /** When the call's next deadline is due: the ring timeout, the longest call, or forgetting an ended call. */
    public long deadline(CallState call) {
        return switch (call.getPhase()) {
            case RINGING -> call.getRingUntil().toEpochMilli();
            case ACCEPTED -> call.getAnsweredAt().toEpochMilli() + maxDuration.toMillis();
            case ENDED -> call.getEndedAt().toEpochMilli() + endedRetention.toMillis();
        };
    }

    public Decision decide(CallCommand command, @Nullable CallState call, long now, Lines lines) {
        Object body = command.getCommand();
        if (body instanceof InitiateCall initiate) {
            return call != null
                    ? refuse(command, call, Problem.CALL_EXISTS, "a call with this id exists")
                    : initiate(command, initiate, now, lines);
        }
        if (call == null) {
            return refuse(command, null, Problem.UNKNOWN_CALL, "no such call");
        }
        String user = command.getActorUserId();
        if (!user.equals(call.getCallerUserId()) && !user.equals(call.getCalleeUserId())) {
            return refuse(command, call, Problem.NOT_IN_CALL, "the caller is not in this call");
        }
        if (body instanceof AnswerCall answer) {
            return answer(command, answer, call, now);
        }
        if (body instanceof DeclineCall) {
            return decline(command, call, now);
        }
        if (body instanceof EndCall) {
            return end(command, call, now);
        }
        if (body instanceof RelayIce relay) {
            return relayIce(command, relay, call, now);
        }
        if (body instanceof ReadIce read) {
            return readIce(command, read, call);
        }
        return refuse(command, call, Problem.BAD_REQUEST, "unknown command");
    }

    /** The call's deadline passed: a ringing call is missed, an accepted one ends, an ended one is forgotten. */
    public Decision deadlineReached(CallState call, long now) {
        return switch (call.getPhase()) {
            case RINGING -> {
                List<Delivery> copies = new ArrayList<>();
                CallState ended = ended(call, CallOutcome.MISSED, now);
                CallCopies.ringEnded(
                        copies,
                        call,
                        "missed",
                        call.getCalleeUserId(),
                        call.getCalleeDevices(),
                        call.getCallerUserId(),
                        call.getCallerDeviceId(),
                        now,
                        Map.of());
                copies.add(CallCopies.copy(
                        call,
                        "missed",
                        "missed",
                        call.getCallerUserId(),
                        call.getCallerDeviceId(),
                        call.getCallerUserId(),
                        call.getCallerDeviceId(),
                        now,
                        null,
                        Map.of(),
                        false,
                        null));
                yield new Decision(
                        ended,
                        true,
                        List.of(event(call.getCallId(), null, null, 0, now, endedEvent(ended))),
                        copies,
                        endedMetadata(ended),
                        null,
                        Map.of());
            }
            case ACCEPTED -> {
                CallState ended = ended(call, CallOutcome.COMPLETED, now);
                List<Delivery> copies = new ArrayList<>();
                Map<String, String> extra = endedExtra(ended, "server");
                copies.add(endedCopy(ended, call.getCallerUserId(), call.getCallerDeviceId(), extra, now));
                copies.add(endedCopy(ended, call.getCalleeUserId(), call.getAnsweredDeviceId(), extra, now));
                yield new Decision(
                        ended,
                        true,
                        List.of(event(call.getCallId(), null, null, 0, now, endedEvent(ended))),
                        copies,
                        endedMetadata(ended),
                        null,
                        freeLines(call));
            }
            case ENDED -> new Decision(null, true, List.of(), List.of(), null, null, Map.of());
        };
    }

    private Decision initiate(CallCommand command, InitiateCall initiate, long now, Lines lines) {
        String caller = command.getActorUserId();
        if (initiate.getCalleeUserId().equals(caller)
                || initiate.getOffers().isEmpty()
                || initiate.getMedia() == CallMedia.UNKNOWN) {
            return refuse(command, null, Problem.BAD_REQUEST, "a call needs another user, offers and a media");
        }
        long ring = initiate.getRingMillis() > 0
                ? Math.min(initiate.getRingMillis(), ringTimeout.toMillis())
                : ringTimeout.toMillis();
        List<Integer> calleeDevices = new ArrayList<>();
        initiate.getOffers().forEach(offer -> calleeDevices.add(offer.getDeviceId()));
        List<Integer> callerDevices = new ArrayList<>(initiate.getCallerDevices());
        if (!callerDevices.contains(command.getActorDeviceId())) {
            callerDevices.add(command.getActorDeviceId());
        }
        CallState ringing = CallState.newBuilder()
                .setCallId(command.getCallId())
                .setCallerUserId(caller)
                .setCallerDeviceId(command.getActorDeviceId())
                .setCallerDevices(callerDevices)
                .setCalleeUserId(initiate.getCalleeUserId())
                .setCalleeDevices(calleeDevices)
                .setMedia(initiate.getMedia())
                .setPhase(CallPhase.RINGING)
                .setStartedAt(Instant.ofEpochMilli(now))
                .setRingUntil(Instant.ofEpochMilli(now + ring))
                .setCandidates(new ArrayList<>())
                .setNextSeq(1)
                .build();
        CallEvent initiated = event(
                command,
                now,
                CallInitiated.newBuilder()
                        .setCallerUserId(caller)
                        .setCallerDeviceId(command.getActorDeviceId())
                        .setCalleeUserId(initiate.getCalleeUserId())
                        .setMedia(initiate.getMedia())
                        .setCalleeDevices(calleeDevices)
                        .setRingUntil(ringing.getRingUntil())
                        .build());
        CallMetadata initiatedMetadata = metadata(ringing, "initiated", now);
        if (lines.callOf(caller) != null || lines.callOf(initiate.getCalleeUserId()) != null) {
            // one side is in an accepted call: nothing rings, the call is over before it started
            CallState busy = ended(ringing, CallOutcome.BUSY, now);
            return new Decision(
                    busy,
                    true,
                    List.of(initiated, event(command, now, endedEvent(busy))),
                    List.of(),
                    endedMetadata(busy),
                    reply(command, busy, 201, Map.of()),
                    Map.of());
        }
        List<Delivery> rings = new ArrayList<>();
        Map<String, String> extra = Map.of("ringUntil", Long.toString(now + ring));
        for (CallPayload offer : initiate.getOffers()) {
            rings.add(CallCopies.copy(
                    ringing,
                    "ring",
                    "ring",
                    initiate.getCalleeUserId(),
                    offer.getDeviceId(),
                    caller,
                    command.getActorDeviceId(),
                    now,
                    offer,
                    extra,
                    false,
                    now + ring));
        }
        return new Decision(
                ringing,
                true,
                List.of(initiated),
                rings,
                initiatedMetadata,
                reply(command, ringing, 201, extra),
                Map.of());
    }

    private Decision answer(CallCommand command, AnswerCall answer, CallState call, long now) {
        int device = command.getActorDeviceId();
        if (!command.getActorUserId().equals(call.getCalleeUserId())
                || !call.getCalleeDevices().contains(device)) {
            return refuse(command, call, Problem.NOT_IN_CALL, "only a device the call rang can answer it");
        }
        if (call.getPhase() != CallPhase.RINGING) {
            return refuse(command, call, Problem.NOT_RINGING, "the call was answered or ended");
        }
        CallState accepted = CallState.newBuilder(call)
                .setPhase(CallPhase.ACCEPTED)
                .setAnsweredAt(Instant.ofEpochMilli(now))
                .setAnsweredDeviceId(device)
                .build();
        String callee = call.getCalleeUserId();
        Map<String, String> extra = Map.of("answeredDeviceId", Integer.toString(device));
        List<Delivery> copies = new ArrayList<>();
        copies.add(CallCopies.copy(
                accepted,
                "accepted",
                "accepted",
                call.getCallerUserId(),
                call.getCallerDeviceId(),
                callee,
                device,
                now,
                answer.getAnswer(),
                extra,
                false,
                null));
        CallCopies.ringEnded(
                copies,
                call,
                "answered-elsewhere",
                callee,
                others(call.getCalleeDevices(), device),
                callee,
                device,
                now,
                extra);
        CallCopies.ringEnded(
                copies,
                call,
                "answered-elsewhere",
                call.getCallerUserId(),
                others(call.getCallerDevices(), call.getCallerDeviceId()),
                callee,
                device,
                now,
                extra);
        Map<String, Optional<String>> lines = new LinkedHashMap<>();
        lines.put(call.getCallerUserId(), Optional.of(call.getCallId()));
        lines.put(callee, Optional.of(call.getCallId()));
        CallMetadata metadata = metadata(accepted, "accepted", now);
        metadata.setRingMillis(now - call.getStartedAt().toEpochMilli());
        return new Decision(
                accepted,
                true,
                List.of(event(
                        command,
                        now,
                        CallAccepted.newBuilder().setCalleeDeviceId(device).build())),
                copies,
                metadata,
                reply(command, accepted, 200, Map.of("answeredAt", Long.toString(now))),
                lines);
    }

    private Decision decline(CallCommand command, CallState call, long now) {
        int device = command.getActorDeviceId();
        if (!command.getActorUserId().equals(call.getCalleeUserId())
                || !call.getCalleeDevices().contains(device)) {
            return refuse(command, call, Problem.NOT_IN_CALL, "only a device the call rang can decline it");
        }
        if (call.getPhase() != CallPhase.RINGING) {
            return refuse(command, call, Problem.NOT_RINGING, "the call was answered or ended");
        }
        CallState ended = ended(call, CallOutcome.DECLINED, now);
        List<Delivery> copies = new ArrayList<>();
        String callee = call.getCalleeUserId();
        copies.add(CallCopies.copy(
                call,
                "declined",
                "declined",
                call.getCallerUserId(),
                call.getCallerDeviceId(),
                callee,
                device,
                now,
                null,
                Map.of(),
                false,
                null));
        CallCopies.ringEnded(
                copies,
                call,
                "declined",
                callee,
                others(call.getCalleeDevices(), device),
                callee,
                device,
                now,
                Map.of());
        return new Decision(
                ended,
                true,
                List.of(event(command, now, endedEvent(ended))),
                copies,
                endedMetadata(ended),
                reply(command, ended, 200, Map.of()),
                Map.of());
    }

    private Decision end(CallCommand command, CallState call, long now) {
        String user = command.getActorUserId();
        int device = command.getActorDeviceId();
        boolean callerDevice = user.equals(call.getCallerUserId()) && device == call.getCallerDeviceId();
        switch (call.getPhase()) {
            case ENDED -> {
                return refuse(command, call, Problem.ENDED, "the call has ended");
            }
            case RINGING -> {
                if (user.equals(call.getCalleeUserId())) {
                    return refuse(command, call, Problem.NOT_ACCEPTED, "a ringing call is declined, not ended");
                }
                if (!callerDevice) {
                    return refuse(command, call, Problem.NOT_IN_CALL, "only the calling device can cancel the call");
                }
                CallState cancelled = ended(call, CallOutcome.CANCELLED, now);
                List<Delivery> copies = new ArrayList<>();
                CallCopies.ringEnded(
                        copies,
                        call,
                        "cancelled",
                        call.getCalleeUserId(),
                        call.getCalleeDevices(),
                        user,
                        device,
                        now,
                        Map.of());
                return new Decision(
                        cancelled,
                        true,
                        List.of(event(command, now, endedEvent(cancelled))),
                        copies,
                        endedMetadata(cancelled),
                        reply(command, cancelled, 200, Map.of("durationMillis", "0")),
                        Map.of());
            }
            default -> {
                Integer peer = peerOf(call, user, device);
                if (peer == null) {
                    return refuse(command, call, Problem.NOT_IN_CALL, "only the call's two devices can end it");
                }
                CallState completed = ended(call, CallOutcome.COMPLETED, now);
                String peerUser = user.equals(call.getCallerUserId()) ? call.getCalleeUserId() : call.getCallerUserId();
                Map<String, String> extra = endedExtra(completed, user + "." + device);
                return new Decision(
                        completed,
                        true,
                        List.of(event(command, now, endedEvent(completed))),
                        List.of(endedCopy(completed, peerUser, peer, extra, now)),
                        endedMetadata(completed),
                        reply(command, completed, 200, Map.of("durationMillis", extra.get("durationMillis"))),
                        freeLines(call));
            }
        }
    }

    private Decision relayIce(CallCommand command, RelayIce relay, CallState call, long now) {
        if (call.getPhase() == CallPhase.ENDED) {
            return refuse(command, call, Problem.ENDED, "the call has ended");
        }
        if (call.getPhase() == CallPhase.RINGING) {
            return refuse(command, call, Problem.NOT_ACCEPTED, "candidates flow once the call is answered");
        }
        String user = command.getActorUserId();
        int device = command.getActorDeviceId();
        Integer peer = peerOf(call, user, device);
        if (peer == null) {
            return refuse(command, call, Problem.NOT_IN_CALL, "only the call's two devices exchange candidates");
        }
        if (relay.getCandidates().isEmpty()) {
            return refuse(command, call, Problem.BAD_REQUEST, "no candidates");
        }
        if (call.getCandidates().size() + relay.getCandidates().size() > maxCandidates) {
            return refuse(
                    command,
                    call,
                    Problem.TOO_MANY_CANDIDATES,
                    "a call keeps at most " + maxCandidates + " candidates");
        }
        String peerUser = user.equals(call.getCallerUserId()) ? call.getCalleeUserId() : call.getCallerUserId();
        List<StoredCandidate> stored = new ArrayList<>(call.getCandidates());
        List<Delivery> copies = new ArrayList<>();
        long seq = call.getNextSeq();
        long first = seq;
        for (CallPayload candidate : relay.getCandidates()) {
            stored.add(StoredCandidate.newBuilder()
                    .setSeq(seq)
                    .setFromDeviceId(device)
                    .setToDeviceId(peer)
                    .setCiphertextType(candidate.getCiphertextType())
                    .setContent(candidate.getContent().duplicate())
                    .setAt(Instant.ofEpochMilli(now))
                    .build());
            copies.add(CallCopies.copy(
                    call,
                    "ice",
                    "ice:" + seq,
                    peerUser,
                    peer,
                    user,
                    device,
                    now,
                    candidate,
                    Map.of("seq", Long.toString(seq)),
                    true,
                    null));
            seq++;
        }
        CallState after =
                CallState.newBuilder(call).setCandidates(stored).setNextSeq(seq).build();
        return new Decision(
                after,
                true,
                List.of(),
                copies,
                null,
                reply(command, after, 200, Map.of("first", Long.toString(first), "last", Long.toString(seq - 1))),
                Map.of());
    }

    private Decision readIce(CallCommand command, ReadIce read, CallState call) {
        String user = command.getActorUserId();
        int device = command.getActorDeviceId();
        boolean callerDevice = user.equals(call.getCallerUserId()) && device == call.getCallerDeviceId();
        boolean answeringDevice = user.equals(call.getCalleeUserId())
                && call.getAnsweredDeviceId() != null
                && device == call.getAnsweredDeviceId();
        if (!callerDevice && !answeringDevice) {
            if (call.getPhase() == CallPhase.RINGING && user.equals(call.getCalleeUserId())) {
                return refuse(command, call, Problem.NOT_ACCEPTED, "candidates flow once the call is answered");
            }
            return refuse(command, call, Problem.NOT_IN_CALL, "only the call's two devices read its candidates");
        }
        List<StoredCandidate> mine = new ArrayList<>();
        long cursor = Math.max(0, read.getAfter());
        for (StoredCandidate candidate : call.getCandidates()) {
            if (candidate.getToDeviceId() == device && candidate.getSeq() > read.getAfter()) {
                mine.add(candidate);
                cursor = candidate.getSeq();
            }
        }
        CallReply reply = reply(command, call, 200, Map.of("cursor", Long.toString(cursor)));
        reply.setCandidates(mine);
        return Decision.refused(call, reply);
    }

    /** The other device of an accepted call for one of its two devices; null for any other device. */
    private static @Nullable Integer peerOf(CallState call, String user, int device) {
        if (call.getAnsweredDeviceId() == null) {
            return null;
        }
        if (user.equals(call.getCallerUserId()) && device == call.getCallerDeviceId()) {
            return call.getAnsweredDeviceId();
        }
        if (user.equals(call.getCalleeUserId()) && device == call.getAnsweredDeviceId()) {
            return call.getCallerDeviceId();
        }
        return null;
    }

    private static List<Integer> others(List<Integer> devices, int except) {
        List<Integer> others = new ArrayList<>(devices);
        others.remove(Integer.valueOf(except));
        return others;
    }

    private static CallState ended(CallState call, CallOutcome outcome, long now) {
        return CallState.newBuilder(call)
                .setPhase(CallPhase.ENDED)
                .setOutcome(outcome)
                .setEndedAt(Instant.ofEpochMilli(now))
                .build();
    }

    private static long duration(CallState ended) {
        return ended.getAnsweredAt() == null
                ? 0
                : ended.getEndedAt().toEpochMilli() - ended.getAnsweredAt().toEpochMilli();
    }

    private static Map<String, String> endedExtra(CallState ended, String endedBy) {
        return Map.of("durationMillis", Long.toString(duration(ended)), "endedBy", endedBy);
    }

    private static Delivery endedCopy(CallState ended, String user, int device, Map<String, String> extra, long now) {
        return CallCopies.copy(
                ended,
                "ended",
                "ended",
                user,
                device,
                ended.getCallerUserId(),
                ended.getCallerDeviceId(),
                now,
                null,
                extra,
                false,
                null);
    }

    /** Tombstones for both users' lines: the call no longer makes them busy. */
    private static Map<String, Optional<String>> freeLines(CallState call) {
        Map<String, Optional<String>> lines = new LinkedHashMap<>();
        lines.put(call.getCallerUserId(), Optional.empty());
        lines.put(call.getCalleeUserId(), Optional.empty());
        return lines;
    }

    private static CallEnded endedEvent(CallState ended) {
        return CallEnded.newBuilder()
                .setOutcome(ended.getOutcome())
                .setDurationMillis(duration(ended))
                .build();
    }

    private static CallEvent event(CallCommand command, long now, Object body) {
        return event(
                command.getCallId(),
                command.getRequestId(),
                command.getActorUserId(),
                command.getActorDeviceId(),
                now,
                body);
    }

    private static CallEvent event(
            String callId, @Nullable String requestId, @Nullable String actor, int actorDevice, long now, Object body) {
        return CallEvent.newBuilder()
                .setCallId(callId)
                .setRequestId(requestId)
                .setActorUserId(actor)
                .setActorDeviceId(actorDevice)
                .setAt(Instant.ofEpochMilli(now))
                .setEvent(body)
                .build();
    }

    private static CallMetadata metadata(CallState call, String kind, long now) {
        return CallMetadata.newBuilder()
                .setCallId(call.getCallId())
                .setKind(kind)
                .setAt(Instant.ofEpochMilli(now))
                .setCallerUserId(call.getCallerUserId())
                .setCalleeUserId(call.getCalleeUserId())
                .setMedia(CallCopies.media(call))
                .setCalleeDevices(call.getCalleeDevices().size())
                .build();
    }

    private static CallMetadata endedMetadata(CallState ended) {
        CallMetadata metadata = metadata(ended, "ended", ended.getEndedAt().toEpochMilli());
        metadata.setOutcome(outcomeName(ended));
        long start = ended.getStartedAt().toEpochMilli();
        long ringEnd = ended.getAnsweredAt() == null
                ? ended.getEndedAt().toEpochMilli()
                : ended.getAnsweredAt().toEpochMilli();
        metadata.setRingMillis(ringEnd - start);
        metadata.setDurationMillis(duration(ended));
        return metadata;
    }

    private static @Nullable String outcomeName(CallState call) {
        return call.getOutcome() == null ? null : call.getOutcome().name().toLowerCase(Locale.ROOT);
    }

    private static CallReply reply(CallCommand command, CallState call, int status, Map<String, String> attributes) {
        return CallReply.newBuilder()
                .setRequestId(command.getRequestId())
                .setCallId(command.getCallId())
                .setStatus(status)
                .setState(call.getPhase().name().toLowerCase(Locale.ROOT))
                .setOutcome(outcomeName(call))
                .setAttributes(new LinkedHashMap<>(attributes))
                .setCandidates(new ArrayList<>())
                .build();
    }

    private static Decision refuse(CallCommand command, @Nullable CallState call, Problem problem, String detail) {
        CallReply reply = CallReply.newBuilder()
                .setRequestId(command.getRequestId())
                .setCallId(command.getCallId())
                .setStatus(problem.status())
                .setProblemType(problem.type())
                .setDetail(detail)
                .setState(call == null ? null : call.getPhase().name().toLowerCase(Locale.ROOT))
                .setOutcome(call == null ? null : outcomeName(call))
                .setAttributes(new LinkedHashMap<>())
                .setCandidates(new ArrayList<>())
                .build();
        return Decision.refused(call, reply);
    }
}
