package io.socialink.gateway.groups;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.kafka.EventPublisher;
import io.socialink.gateway.kafka.PendingReplies;
import io.socialink.gateway.metrics.GatewayMetrics;
import io.socialink.gateway.problem.Problem;
import io.socialink.schemas.avro.GroupCommand;
import io.socialink.schemas.avro.GroupReply;
import io.socialink.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;

/**
 * Request/reply with group-fanout over Kafka ({@link PendingReplies}): each request gets a fresh requestId and waits
 * until the group {@link io.socialink.gateway.kafka.ReplyConsumer} hands its {@link GroupReply} over from this node's
 * {@code group.replies} partition (the command's {@code replyPartition}). The command is produced to
 * {@code group.commands} (key groupId, acks=all) after the request is registered, so a fast reply cannot be missed.
 * Without a reply within the timeout the request is answered 503 {@code group-service-unavailable}; the command may
 * still be applied later, which the client finds out by reading the group again.
 */
public class GroupRequests {

    private final EventPublisher publisher;
    private final int nodeId;
    private final PendingReplies<GroupReply> pending;

    public GroupRequests(EventPublisher publisher, int nodeId, Duration timeout, GatewayMetrics metrics) {
        this.publisher = publisher;
        this.nodeId = nodeId;
        this.pending = new PendingReplies<>(
                timeout,
                reply -> reply.getRequestId(),
                GroupReply::getStatus,
                metrics::groupRequest,
                () -> Problem.of(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "group-service-unavailable",
                        "no verdict from the group service within " + timeout.toMillis()
                                + " ms; the request may still be applied, read the group again"),
                () -> Problem.unavailable("the group request could not be sent, retry"));
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
            return pending.request(requestId, () -> publisher.send(Topics.GROUP_COMMANDS, groupId, record));
        });
    }

    /** Completes the request waiting for {@code reply}, if this node has it. */
    public void complete(GroupReply reply) {
        pending.complete(reply);
    }

    /** Requests waiting for a reply now. */
    public int pending() {
        return pending.pending();
    }
}
