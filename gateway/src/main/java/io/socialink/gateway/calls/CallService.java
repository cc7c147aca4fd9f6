package io.socialink.gateway.calls;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.keys.DeviceDirectory;
import io.socialink.gateway.messages.DeviceSetCheck;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.ratelimit.RateLimitProperties;
import io.socialink.gateway.ratelimit.RateLimiter;
import io.socialink.gateway.typing.Conversations;
import io.socialink.schemas.avro.AnswerCall;
import io.socialink.schemas.avro.CallPayload;
import io.socialink.schemas.avro.CallReply;
import io.socialink.schemas.avro.DeclineCall;
import io.socialink.schemas.avro.EndCall;
import io.socialink.schemas.avro.InitiateCall;
import io.socialink.schemas.avro.ReadIce;
import io.socialink.schemas.avro.RelayIce;
import io.socialink.schemas.avro.StoredCandidate;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The call endpoints (docs/architecture.md, "Calls"). The gateway decides what it can alone (input, the callee's
 * device set, the sender's rate limit) and nothing reaches Kafka unless that passes; call-signaling decides
 * everything that depends on the call's state and answers through {@link CallRequests}. The acting user is the
 * authenticated device's (the security chain checked the path), the acting device the authenticated one.
 */
public class CallService {

    /** The send bucket's requests, named in the 429's detail. */
    private static final String RATE_LIMITED_WHAT = "sends (calls count as sends)";

    private final CallRequests requests;
    private final DeviceDirectory directory;
    private final RateLimiter rateLimiter;
    private final RateLimitProperties.Limit sendLimit;
    private final CallHistoryRepository history;
    private final TurnCredentials turn;
    private final Duration ringTimeout;

    public CallService(
            CallRequests requests,
            DeviceDirectory directory,
            RateLimiter rateLimiter,
            RateLimitProperties limits,
            CallHistoryRepository history,
            TurnCredentials turn,
            Duration ringTimeout) {
        this.requests = requests;
        this.directory = directory;
        this.rateLimiter = rateLimiter;
        this.sendLimit = limits.sends();
        this.history = history;
        this.turn = turn;
        this.ringTimeout = ringTimeout;
    }

    /**
     * {@code POST /api/v1/calls/initiate/{callerId}}: validated (400), then the caller device's send bucket (429;
     * after validation, so malformed requests spend no tokens), then one offer per active device of the callee as a
     * send's copies are checked (404, 409, 410, 413; a rejection is confirmed against the database, as a cached
     * device list may be behind), then InitiateCall under a new callId → 201.
     */
    public Mono<Map<String, Object>> initiate(DeviceAddress caller, CallRequestBodies.Initiate body) {
        CallRequestValidator.ValidInitiate initiate = CallRequestValidator.initiate(caller, body);
        Set<String> users = new LinkedHashSet<>(List.of(initiate.calleeUserId(), caller.userId()));
        return rateLimiter
                .acquire("send", caller.toString(), sendLimit, RATE_LIMITED_WHAT)
                .then(directory.activeDevices(users, false))
                .flatMap(cached -> offersProblem(initiate, cached) == null
                        ? Mono.just(cached)
                        : directory.activeDevices(users, true))
                .flatMap(devices -> {
                    Problem problem = offersProblem(initiate, devices);
                    if (problem != null) {
                        return Mono.error(problem.toException());
                    }
                    String callId = UUID.randomUUID().toString();
                    InitiateCall command = InitiateCall.newBuilder()
                            .setCalleeUserId(initiate.calleeUserId())
                            .setMedia(initiate.media())
                            .setOffers(initiate.offers().stream()
                                    .map(offer -> payload(offer.deviceId(), offer.type(), offer.content()))
                                    .toList())
                            .setCallerDevices(List.copyOf(new TreeSet<>(devices.getOrDefault(caller.userId(), Map.of())
                                    .keySet())))
                            .setRingMillis(ringTimeout.toMillis())
                            .build();
                    return request(callId, caller, command, reply -> {
                        Map<String, Object> answer = CallReplies.state(callId, reply);
                        Long ringUntil = CallReplies.number(reply, "ringUntil");
                        if (ringUntil != null) {
                            answer.put("ringUntil", ringUntil);
                        }
                        return answer;
                    });
                });
    }

    /** The callee's devices only: the caller's other devices get no offer (they learn the outcome from events). */
    private static @Nullable Problem offersProblem(
            CallRequestValidator.ValidInitiate initiate, Map<String, Map<Integer, Integer>> devices) {
        return DeviceSetCheck.checkDestinationOnly(
                initiate.calleeUserId(),
                initiate.offers(),
                devices.getOrDefault(initiate.calleeUserId(), Map.of()),
                CallRequestValidator.MAX_SDP_BYTES);
    }

    /** {@code PUT /api/v1/calls/{callId}/answer/{userId}} → 200 {@code {"callId", "state", "answeredAt"}}. */
    public Mono<Map<String, Object>> answer(DeviceAddress actor, String callIdText, CallRequestBodies.Answer body) {
        String callId = CallRequestValidator.callId(callIdText);
        CallRequestValidator.ValidPayload answer = CallRequestValidator.answer(body);
        // encrypted for the caller's device, which call-signaling knows: 0 names "the call's other device"
        AnswerCall command = AnswerCall.newBuilder()
                .setAnswer(payload(0, answer.type(), answer.content()))
                .build();
        return request(callId, actor, command, reply -> {
            Map<String, Object> result = CallReplies.state(callId, reply);
            result.put("answeredAt", CallReplies.number(reply, "answeredAt"));
            return result;
        });
    }

    /** {@code PUT /api/v1/calls/{callId}/decline/{userId}} → 200 {@code {"callId", "state", "outcome"}}. */
    public Mono<Map<String, Object>> decline(DeviceAddress actor, String callIdText) {
        String callId = CallRequestValidator.callId(callIdText);
        return request(callId, actor, DeclineCall.newBuilder().build(), reply -> CallReplies.state(callId, reply));
    }

    /** {@code PUT /api/v1/calls/{callId}/end/{userId}} → 200 {@code {"callId", "state", "outcome", "durationMillis"}}. */
    public Mono<Map<String, Object>> end(DeviceAddress actor, String callIdText) {
        String callId = CallRequestValidator.callId(callIdText);
        return request(callId, actor, EndCall.newBuilder().build(), reply -> {
            Map<String, Object> result = CallReplies.state(callId, reply);
            Long duration = CallReplies.number(reply, "durationMillis");
            result.put("durationMillis", duration == null ? 0L : duration);
            return result;
        });
    }

    /** {@code POST /api/v1/calls/{callId}/ice/{userId}} → 200 {@code {"callId", "first", "last"}}. */
    public Mono<Map<String, Object>> relayIce(DeviceAddress actor, String callIdText, CallRequestBodies.Ice body) {
        String callId = CallRequestValidator.callId(callIdText);
        List<CallRequestValidator.ValidPayload> candidates = CallRequestValidator.candidates(body);
        RelayIce command = RelayIce.newBuilder()
                .setCandidates(candidates.stream()
                        .map(candidate -> payload(0, candidate.type(), candidate.content()))
                        .toList())
                .build();
        return request(callId, actor, command, reply -> {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("callId", callId);
            result.put("first", CallReplies.number(reply, "first"));
            result.put("last", CallReplies.number(reply, "last"));
            return result;
        });
    }

    /**
     * {@code GET /api/v1/calls/{callId}/ice?after=} → 200 {@code {"callId", "candidates": [{"seq", "type", "content",
     * "sentAt"}], "cursor"}}: the candidates for the calling device after the cursor, from call-signaling's store.
     */
    public Mono<Map<String, Object>> readIce(DeviceAddress actor, String callIdText, @Nullable String afterText) {
        String callId = CallRequestValidator.callId(callIdText);
        long after = CallRequestValidator.after(afterText);
        return request(callId, actor, ReadIce.newBuilder().setAfter(after).build(), reply -> {
            List<Map<String, Object>> candidates = new ArrayList<>();
            long cursor = after;
            for (StoredCandidate candidate : reply.getCandidates()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("seq", candidate.getSeq());
                entry.put("type", candidate.getCiphertextType());
                entry.put("content", base64(candidate.getContent()));
                entry.put("sentAt", candidate.getAt().toEpochMilli());
                candidates.add(entry);
                cursor = Math.max(cursor, candidate.getSeq());
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("callId", callId);
            result.put("candidates", candidates);
            result.put("cursor", cursor);
            return result;
        });
    }

    /**
     * {@code GET /api/v1/calls/history/{conversationId}?before=&limit=} → 200 {@code {"conversationId", "calls",
     * "nextBefore"}}, newest first. {@code before} is exclusive. A page never ends inside a millisecond whose calls
     * continue on the next page (it stops before them and {@code nextBefore} is just after them), so paging with
     * millisecond cursors neither repeats nor skips a call; only more than {@code limit} calls started in one
     * millisecond could be split.
     */
    public Mono<Map<String, Object>> history(
            DeviceAddress caller, String conversationId, @Nullable String beforeText, @Nullable String limitText) {
        Conversations.otherUser(caller, conversationId);
        Long before = CallRequestValidator.historyBefore(beforeText);
        int limit = CallRequestValidator.historyLimit(limitText);
        return history.page(conversationId, before == null ? null : Instant.ofEpochMilli(before), limit + 1)
                .collectList()
                .map(rows -> {
                    List<CallHistoryRepository.HistoryRow> page = rows;
                    Long nextBefore = null;
                    if (rows.size() > limit) {
                        long firstLeftOut = rows.get(limit).startedAt().toEpochMilli();
                        int end = limit;
                        while (end > 0 && rows.get(end - 1).startedAt().toEpochMilli() == firstLeftOut) {
                            end--;
                        }
                        if (end > 0) {
                            page = rows.subList(0, end);
                            nextBefore = firstLeftOut + 1;
                        } else {
                            page = rows.subList(0, limit);
                            nextBefore = firstLeftOut;
                        }
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("conversationId", conversationId);
                    body.put(
                            "calls",
                            page.stream()
                                    .map(CallHistoryRepository.HistoryRow::body)
                                    .toList());
                    body.put("nextBefore", nextBefore);
                    return body;
                });
    }

    /** {@code GET /api/v1/calls/turn} → 200 TURN credentials for the caller's user, or 503 {@code turn-unavailable}. */
    public Map<String, Object> turn(DeviceAddress caller) {
        return turn.issue(caller.userId());
    }

    private Mono<Map<String, Object>> request(
            String callId, DeviceAddress actor, Object command, Function<CallReply, Map<String, Object>> body) {
        return requests.request(callId, actor, command).map(reply -> {
            if (!CallReplies.accepted(reply)) {
                throw CallReplies.problem(reply).toException();
            }
            return body.apply(reply);
        });
    }

    private static CallPayload payload(int deviceId, int type, byte[] content) {
        return CallPayload.newBuilder()
                .setDeviceId(deviceId)
                .setCiphertextType(type)
                .setContent(ByteBuffer.wrap(content))
                .build();
    }

    private static String base64(ByteBuffer content) {
        ByteBuffer view = content.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
