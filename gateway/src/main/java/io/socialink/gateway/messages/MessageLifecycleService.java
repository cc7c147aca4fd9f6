package io.socialink.gateway.messages;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.kafka.EventPublisher;
import io.socialink.gateway.keys.Device;
import io.socialink.gateway.keys.DeviceRepository;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.status.ProjectionProperties;
import io.socialink.gateway.status.StatusRepository;
import io.socialink.gateway.status.StatusRow;
import io.socialink.schemas.avro.Ack;
import io.socialink.schemas.avro.MessageEventType;
import io.socialink.schemas.avro.MessageMetadata;
import io.socialink.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Receipts and deletes of one message by one device, checked against the status projection: a device may only
 * acknowledge or read a copy it was sent, only the sender deletes for everyone, and either side may delete for
 * themselves. Every method completes only once Kafka has what it produced; a check that fails produces nothing.
 */
@Service
public class MessageLifecycleService {

    static final String FOR_EVERYONE = "for-everyone";
    static final String FOR_ME = "for-me";
    private static final int LAG_RETRIES = 10;

    private final StatusRepository status;
    private final DeviceRepository devices;
    private final EventPublisher publisher;
    private final int lagRetries;
    private final Duration lagPause;

    public MessageLifecycleService(
            StatusRepository status,
            DeviceRepository devices,
            EventPublisher publisher,
            ProjectionProperties projection) {
        this.status = status;
        this.devices = devices;
        this.publisher = publisher;
        // ten more looks spread over the wait (2 s: every 200 ms); none when the wait is zero
        Duration wait = projection.lagWait();
        this.lagRetries = wait.isZero() ? 0 : LAG_RETRIES;
        this.lagPause = wait.dividedBy(LAG_RETRIES);
    }

    static Problem unknownMessage(String messageId) {
        return Problem.of(HttpStatus.NOT_FOUND, "unknown-message", "no message " + messageId + " for this device");
    }

    /** The device acknowledges its copy over REST: the same {@link Ack} a socket ack makes (connectionId null). */
    public Mono<Void> delivered(DeviceAddress device, String messageId) {
        return ownCopy(device, messageId)
                .flatMap(copy -> publisher.publish(
                        Topics.DEVICE_ACKS,
                        device.toString(),
                        Ack.newBuilder()
                                .setMessageIds(List.of(messageId))
                                .setConnectionId(null)
                                .setAt(Instant.now())
                                .build()));
    }

    /** READ metadata for the device's copy, unless its user turned read receipts off or it was read already. */
    public Mono<Void> read(DeviceAddress device, String messageId) {
        return ownCopy(device, messageId).flatMap(copy -> status.readReceipts(device.userId())
                .filter(allowed -> allowed && copy.readAt() == null)
                .flatMap(allowed -> publisher.publish(
                        Topics.METADATA_MESSAGES,
                        messageId,
                        metadata(copy, MessageEventType.READ, Instant.now()).build())));
    }

    /**
     * Delete for everyone (sender only): a queued {@code delete} event to every active device of both sides but the
     * caller (the worker first removes a still undelivered copy), and DELETED metadata for every copy.
     */
    public Mono<Void> deleteForEveryone(DeviceAddress caller, String messageId) {
        return status.copies(messageId).collectList().flatMap(copies -> {
            if (copies.stream().noneMatch(copy -> involves(copy, caller.userId()))) {
                return Mono.error(unknownMessage(messageId).toException());
            }
            if (!copies.get(0).senderUserId().equals(caller.userId())) {
                return Mono.error(Problem.forbidden("only the sender may delete a message for everyone")
                        .toException());
            }
            if (copies.stream().allMatch(copy -> copy.deletedAt() != null)) {
                return Mono.empty();
            }
            Set<String> users = new LinkedHashSet<>();
            users.add(caller.userId());
            copies.forEach(copy -> users.add(copy.recipientUserId()));
            Instant now = Instant.now();
            String eventId = DeviceEvents.eventId(DeviceEvents.DELETE, "everyone", messageId);
            return Flux.fromIterable(users)
                    .concatMap(devices::activeDevices)
                    .collectList()
                    .flatMap(targets -> {
                        List<CompletableFuture<?>> acks = new ArrayList<>();
                        for (Device target : targets) {
                            if (target.userId().equals(caller.userId()) && target.deviceId() == caller.deviceId()) {
                                continue;
                            }
                            acks.add(publisher.send(
                                    Topics.DEVICE_DELIVERIES,
                                    target.userId() + "." + target.deviceId(),
                                    DeviceEvents.event(
                                            eventId,
                                            DeviceEvents.DELETE,
                                            Map.of(DeviceEvents.TARGET_MESSAGE_ID, messageId, "scope", "everyone"),
                                            caller.userId(),
                                            caller.deviceId(),
                                            target.userId(),
                                            target.deviceId(),
                                            now)));
                        }
                        for (StatusRow copy : copies) {
                            acks.add(publisher.send(
                                    Topics.METADATA_MESSAGES,
                                    messageId,
                                    metadata(copy, MessageEventType.DELETED, now)
                                            .setReason(FOR_EVERYONE)
                                            .build()));
                        }
                        return Mono.fromFuture(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)))
                                .then();
                    });
        });
    }

    /** Delete for me: hidden from the caller's conversation, and a {@code delete} event to their other devices. */
    public Mono<Void> deleteForMe(DeviceAddress caller, String messageId) {
        return status.copies(messageId).collectList().flatMap(copies -> {
            StatusRow any = copies.stream()
                    .filter(copy -> involves(copy, caller.userId()))
                    .findFirst()
                    .orElse(null);
            if (any == null) {
                return Mono.error(unknownMessage(messageId).toException());
            }
            Instant now = Instant.now();
            MessageMetadata hidden = MessageMetadata.newBuilder(
                            metadata(any, MessageEventType.DELETED, now).build())
                    .setRecipientUserId(caller.userId())
                    .setRecipientDeviceId(caller.deviceId())
                    .setReason(FOR_ME)
                    .setActorUserId(caller.userId())
                    .build();
            String eventId = DeviceEvents.eventId(DeviceEvents.DELETE, "me", messageId, caller.userId());
            return publisher
                    .publish(Topics.METADATA_MESSAGES, messageId, hidden)
                    .then(devices.activeDevices(caller.userId())
                            .filter(device -> device.deviceId() != caller.deviceId())
                            .concatMap(device -> publisher.publish(
                                    Topics.DEVICE_DELIVERIES,
                                    device.userId() + "." + device.deviceId(),
                                    DeviceEvents.event(
                                            eventId,
                                            DeviceEvents.DELETE,
                                            Map.of(DeviceEvents.TARGET_MESSAGE_ID, messageId, "scope", "me"),
                                            caller.userId(),
                                            caller.deviceId(),
                                            device.userId(),
                                            device.deviceId(),
                                            now)))
                            .then());
        });
    }

    /**
     * The device's copy in the projection. The projection follows {@code metadata.messages} a moment behind the
     * delivery, so a receipt sent right on receipt may come before the copy's row: look again for a short while
     * ({@code socialink.projection.lag-wait}) before answering 404.
     */
    private Mono<StatusRow> ownCopy(DeviceAddress device, String messageId) {
        return Mono.defer(() -> status.copy(messageId, device.userId(), device.deviceId()))
                .repeatWhenEmpty(attempts -> attempts.take(lagRetries).delayElements(lagPause))
                .switchIfEmpty(Mono.error(() -> unknownMessage(messageId).toException()));
    }

    private static boolean involves(StatusRow copy, String userId) {
        return copy.senderUserId().equals(userId) || copy.recipientUserId().equals(userId);
    }

    private static MessageMetadata.Builder metadata(StatusRow copy, MessageEventType event, Instant at) {
        return MessageMetadata.newBuilder()
                .setMessageId(copy.messageId())
                .setEvent(event)
                .setSenderUserId(copy.senderUserId())
                .setSenderDeviceId(copy.senderDeviceId())
                .setRecipientUserId(copy.recipientUserId())
                .setRecipientDeviceId(copy.recipientDeviceId())
                .setCiphertextBytes(copy.ciphertextBytes())
                .setAt(at);
    }
}
