package io.socialink.gateway.calls;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.kafka.EventPublisher;
import io.socialink.gateway.kafka.PendingReplies;
import io.socialink.gateway.metrics.GatewayMetrics;
import io.socialink.gateway.problem.Problem;
import io.socialink.schemas.avro.CallCommand;
import io.socialink.schemas.avro.CallReply;
import io.socialink.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;

/**
 * Request/reply with call-signaling, the single writer of each call, over Kafka ({@link PendingReplies}, as the
 * group requests do): the command goes to {@code call.commands} (key callId, acks=all) with this node's
 * {@code call.replies} partition as its {@code replyPartition}, after the request is registered. Without a reply
 * within the timeout the request is answered 503 {@code call-service-unavailable}: the command may still be applied,
 * which the client sees in the history or the call frames.
 */
public class CallRequests {

    private final EventPublisher publisher;
    private final int nodeId;
    private final PendingReplies<CallReply> pending;

    public CallRequests(EventPublisher publisher, int nodeId, Duration timeout, GatewayMetrics metrics) {
        this.publisher = publisher;
        this.nodeId = nodeId;
        this.pending = new PendingReplies<>(
                timeout,
                reply -> reply.getRequestId(),
                CallReply::getStatus,
                metrics::callRequest,
                () -> Problem.of(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "call-service-unavailable",
                        "no verdict from the call service within " + timeout.toMillis()
                                + " ms; the request may still be applied, read the call history or wait for the"
                                + " call frames"),
                () -> Problem.unavailable("the call request could not be sent, retry"));
    }

    /**
     * Sends {@code command} (an InitiateCall, AnswerCall, DeclineCall, EndCall, RelayIce or ReadIce) for the call and
     * waits for call-signaling's reply.
     */
    public Mono<CallReply> request(String callId, DeviceAddress actor, Object command) {
        return Mono.defer(() -> {
            String requestId = UUID.randomUUID().toString();
            CallCommand record = CallCommand.newBuilder()
                    .setRequestId(requestId)
                    .setCallId(callId)
                    .setActorUserId(actor.userId())
                    .setActorDeviceId(actor.deviceId())
                    .setReplyPartition(nodeId)
                    .setIssuedAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                    .setCommand(command)
                    .build();
            return pending.request(requestId, () -> publisher.send(Topics.CALL_COMMANDS, callId, record));
        });
    }

    /** Completes the request waiting for {@code reply}, if this node has it. */
    public void complete(CallReply reply) {
        pending.complete(reply);
    }

    /** Requests waiting for a reply now. */
    public int pending() {
        return pending.pending();
    }
}
