package io.socialink.gateway.messages;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.kafka.EventPublisher;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.websocket.DeliveryFrames;
import io.socialink.gateway.websocket.Frames;
import io.socialink.schemas.avro.Ack;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.topics.Topics;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The queue API for clients without a socket: {@code GET} returns the head of the device's queue as the same frames
 * the socket pushes (envelopes and queued device events, oldest first), {@code DELETE} acknowledges by messageId
 * exactly like a socket ack. Only the device itself may read or ack its queue.
 */
@RestController
public class QueueController {

    public static final int MAX_PAGE = 100;

    private final DeliveryWorkerClient worker;
    private final EventPublisher publisher;
    private final DeliveryFrames frames;

    public QueueController(DeliveryWorkerClient worker, EventPublisher publisher, DeliveryFrames frames) {
        this.worker = worker;
        this.publisher = publisher;
        this.frames = frames;
    }

    /** Body of the queue ack. */
    public record QueueAck(List<String> messageIds) {}

    @GetMapping(path = "/api/v1/messages/queue/{userId}/{deviceId}", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<String>> head(
            @PathVariable String userId,
            @PathVariable String deviceId,
            @RequestParam(name = "limit", required = false) String limit,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        Principals.requireDevice(device, userId, deviceId);
        int pageSize = pageSize(limit);
        return worker.queueHead(device, pageSize)
                .flatMap(head -> {
                    // a stored Commit or Welcome may have to be loaded from Postgres: off the event loop then
                    Mono<String> body = Mono.fromCallable(() -> body(head));
                    return head.stream().anyMatch(DeliveryFrames::refersToStoredPayload)
                            ? body.subscribeOn(Schedulers.boundedElastic())
                            : body;
                })
                .onErrorMap(DeliveryFrames.PayloadUnavailableException.class, error -> Problem.unavailable(
                                "a queued group payload could not be read, retry")
                        .toException())
                .map(body -> ResponseEntity.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(body));
    }

    private String body(List<Delivery> head) {
        StringBuilder body = new StringBuilder("{\"envelopes\":[");
        for (int i = 0; i < head.size(); i++) {
            body.append(i == 0 ? "" : ",").append(frames.frame(head.get(i)));
        }
        return body.append("]}").toString();
    }

    @DeleteMapping(path = "/api/v1/messages/queue/{userId}/{deviceId}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public Mono<Void> ack(
            @PathVariable String userId,
            @PathVariable String deviceId,
            @RequestBody QueueAck body,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        Principals.requireDevice(device, userId, deviceId);
        List<String> ids = body == null ? null : body.messageIds();
        if (ids == null
                || ids.isEmpty()
                || ids.size() > Frames.MAX_ACK_IDS
                || ids.stream().anyMatch(id -> id == null || id.isEmpty() || id.length() > Frames.MAX_ID_LENGTH)) {
            throw Problem.badRequest("messageIds must be 1.." + Frames.MAX_ACK_IDS + " non-empty ids")
                    .toException();
        }
        return publisher
                .publish(
                        Topics.DEVICE_ACKS,
                        device.toString(),
                        Ack.newBuilder()
                                .setMessageIds(List.copyOf(ids))
                                .setConnectionId(null)
                                .setAt(Instant.now())
                                .build())
                .onErrorMap(
                        error -> !(error instanceof io.socialink.gateway.problem.ProblemException),
                        error -> Problem.unavailable("the ack could not be stored, retry")
                                .toException());
    }

    private static int pageSize(String limit) {
        if (limit == null) {
            return MAX_PAGE;
        }
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= MAX_PAGE) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Problem.badRequest("'limit' must be an integer in 1.." + MAX_PAGE).toException();
    }
}
