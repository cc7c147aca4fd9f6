package io.socialink.gateway.groups;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.kafka.EventPublisher;
import io.socialink.gateway.metrics.GatewayMetrics;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import io.socialink.schemas.avro.GroupCommand;
import io.socialink.schemas.avro.GroupReply;
import io.socialink.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;

/**
 * Request/reply with group-fanout over Kafka: each request gets a fresh requestId and waits in a map until the
 * {@link GroupReplyConsumer} hands its {@link GroupReply} over from this node's {@code group.replies} partition
 * (the command's {@code replyPartition}). The command is produced to {@code group.commands} (key groupId, acks=all)
 * after the request is registered, so a fast reply cannot be missed. Without a reply within the timeout the request
 * is answered 503 {@code group-service-unavailable}; the command may still be applied later, which the client finds
 * out by reading the group again.
 */
public class GroupRequests {

    private final EventPublisher publisher;
    private final int nodeId;
    private final Duration timeout;
    private final GatewayMetrics metrics;
    private final ConcurrentMap<String, CompletableFuture<GroupReply>> pending = new ConcurrentHashMap<>();

    public GroupRequests(EventPublisher publisher, int nodeId, Duration timeout, GatewayMetrics metrics) {
        this.publisher = publisher;
        this.nodeId = nodeId;
        this.timeout = timeout;
        this.metrics = metrics;
    }

    /** Sends {@code command} (a CreateGroup, CommitBundle, GroupMessage or LeaveGroup) and waits for its reply. */
    public Mono<GroupReply> request(String groupId, DeviceAddress actor, Object command) {
        return Mono.defer(() -> {
            String requestId = UUID.randomUUID().toString();
            GroupCommand record = GroupCommand.newBuilder()
                    .setRequestId(requestId)
                    .setGroupId(groupId)
                    .setActorUserId(actor.userId())
                    .setActorDeviceId(actor.deviceId())
                    .setReplyPartition(nodeId)
                    .setIssuedAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                    .setCommand(command)
                    .build();
            CompletableFuture<GroupReply> reply = new CompletableFuture<>();
            pending.put(requestId, reply);
            return Mono.fromFuture(publisher.send(Topics.GROUP_COMMANDS, groupId, record))
                    .onErrorMap(error -> {
                        metrics.groupRequest("failed");
                        return Problem.unavailable("the group request could not be sent, retry")
                                .toException();
                    })
                    .then(Mono.fromFuture(reply, true))
                    .timeout(timeout, Mono.error(() -> {
                        metrics.groupRequest("timeout");
                        return new ProblemException(Problem.of(
                                HttpStatus.SERVICE_UNAVAILABLE,
                                "group-service-unavailable",
                                "no verdict from the group service within "
                                        + timeout.toMillis() + " ms; the request may still be applied, read the group"
                                        + " again"));
                    }))
                    .doOnNext(answer -> metrics.groupRequest(
                            answer.getStatus() >= 200 && answer.getStatus() < 300 ? "accepted" : "refused"))
                    .doFinally(signal -> pending.remove(requestId));
        });
    }

    /** Completes the request waiting for {@code reply}, if this node has it. */
    public void complete(GroupReply reply) {
        CompletableFuture<GroupReply> waiting = pending.remove(reply.getRequestId());
        if (waiting != null) {
            waiting.complete(reply);
        }
    }

    /** Requests waiting for a reply now. */
    public int pending() {
        return pending.size();
    }
}
