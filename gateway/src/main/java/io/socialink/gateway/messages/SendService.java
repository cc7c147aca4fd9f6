package io.socialink.gateway.messages;

import io.micrometer.core.instrument.Timer;
import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.kafka.EventPublisher;
import io.socialink.gateway.keys.DeviceDirectory;
import io.socialink.gateway.metrics.GatewayMetrics;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import io.socialink.gateway.ratelimit.RateLimitProperties;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.MessageEventType;
import io.socialink.schemas.avro.MessageMetadata;
import io.socialink.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Accepts a validated send: answers a retry of the same request from the idempotency store and refuses another
 * request under a used key (422 {@code idempotency-key-reused}, nothing produced), checks the copies against the
 * device directory, produces one {@link Delivery} per copy (key: recipient address) and one SENT {@link MessageMetadata}
 * per copy (key: messageId, no content), and answers only after Kafka acknowledged every record. Nothing is
 * produced unless every check passed; if producing fails the client gets 503 and retries with the same key.
 * A disappearing message carries its {@code expiresAt} in every copy and in its SENT metadata. A Note to Self from
 * a user's only device has no copy: it is recorded as SENT to and DELIVERED on the sending device.
 * {@link #accept} is the one entry of a send, whichever transport carried it (REST, the device's WebSocket).
 */
@Service
public class SendService {

    private final DeviceDirectory directory;
    private final EventPublisher publisher;
    private final IdempotencyStore idempotency;
    private final GatewayMetrics metrics;
    private final RateLimitProperties.Limit limit;

    public SendService(
            DeviceDirectory directory,
            EventPublisher publisher,
            IdempotencyStore idempotency,
            GatewayMetrics metrics,
            RateLimitProperties limits) {
        this.directory = directory;
        this.publisher = publisher;
        this.idempotency = idempotency;
        this.metrics = metrics;
        this.limit = limits.sends();
    }

    /**
     * A send of {@code sender}'s: validated (400 {@code bad-request}), then, in one Redis round trip, rate-limited per
     * sender device (token bucket {@code send}, 429 {@code rate-limited} with Retry-After; after validation, so
     * malformed requests do not spend tokens) and checked against its idempotency key (a retry is answered as before,
     * another request under the key is refused, else the key is bound), then checked against the device directory
     * and produced. Errors are {@link ProblemException}s or a backing service's failure.
     */
    public Mono<SendReceipt> accept(DeviceAddress sender, SendRequest request) {
        ValidSend send;
        try {
            send = SendRequestValidator.validate(sender, request);
        } catch (ProblemException e) {
            metrics.send("rejected");
            return Mono.error(e);
        }
        Timer.Sample started = Timer.start();
        String requestHash = RequestHash.of(send);
        return idempotency
                .admitSend(sender, send.idempotencyKey(), requestHash, limit)
                .doOnError(error -> metrics.send(isKeyReused(error) ? "rejected" : "rate-limited"))
                .doOnNext(replayed -> metrics.send("replayed"))
                .switchIfEmpty(Mono.defer(() -> checkAndProduce(send, requestHash)))
                .doOnSuccess(receipt -> started.stop(metrics.sendLatency()));
    }

    private static boolean isKeyReused(Throwable error) {
        return error instanceof ProblemException problem
                && IdempotencyStore.KEY_REUSED.equals(problem.problem().name());
    }

    /** The key is bound to this request: refused or failed, it is freed again before the error is answered. */
    private Mono<SendReceipt> checkAndProduce(ValidSend send, String requestHash) {
        Set<String> users =
                new LinkedHashSet<>(List.of(send.destination(), send.sender().userId()));
        return directory
                .activeDevices(users, false)
                .flatMap(cached -> DeviceSetCheck.check(send, cached) == null
                        ? Mono.just(cached)
                        // a cached list may be behind a registration: confirm a rejection against the database
                        : directory.activeDevices(users, true))
                .flatMap(devices -> {
                    Problem problem = DeviceSetCheck.check(send, devices);
                    if (problem != null) {
                        metrics.send("rejected");
                        return Mono.error(problem.toException());
                    }
                    return produce(send);
                })
                .onErrorResume(error -> unbind(send, requestHash).then(Mono.<SendReceipt>error(error)))
                .flatMap(receipt -> idempotency.remember(send.sender(), send.idempotencyKey(), receipt));
    }

    private Mono<Void> unbind(ValidSend send, String requestHash) {
        return idempotency.unbind(
                send.sender(),
                send.idempotencyKey(),
                requestHash,
                IdempotencyStore.key(send.sender(), send.idempotencyKey()));
    }

    /** SENT then DELIVERED, in this order on the message's partition, for the sending device itself. */
    private Mono<SendReceipt> recordNoteToSelf(
            String messageId, DeviceAddress sender, Instant sentAt, @Nullable Instant expiresAt) {
        MessageMetadata sent = MessageMetadata.newBuilder()
                .setMessageId(messageId)
                .setEvent(MessageEventType.SENT)
                .setSenderUserId(sender.userId())
                .setSenderDeviceId(sender.deviceId())
                .setRecipientUserId(sender.userId())
                .setRecipientDeviceId(sender.deviceId())
                .setCiphertextBytes(0)
                .setAt(sentAt)
                .setDestinationUserId(sender.userId())
                .setExpiresAt(expiresAt)
                .build();
        MessageMetadata delivered = MessageMetadata.newBuilder(sent)
                .setEvent(MessageEventType.DELIVERED)
                .setExpiresAt(null)
                .setDestinationUserId(null)
                .build();
        SendReceipt receipt = new SendReceipt(messageId, sentAt.toEpochMilli(), 0);
        return publisher
                .publish(Topics.METADATA_MESSAGES, messageId, sent)
                .then(publisher.publish(Topics.METADATA_MESSAGES, messageId, delivered))
                .thenReturn(receipt)
                .doOnNext(done -> metrics.send("created"))
                .onErrorMap(error -> {
                    metrics.send("failed");
                    return Problem.unavailable("the message could not be stored, retry with the same idempotencyKey")
                            .toException();
                });
    }

    private Mono<SendReceipt> produce(ValidSend send) {
        String messageId =
                MessageIds.derive(send.sender(), send.idempotencyKey()).toString();
        Instant sentAt = Instant.ofEpochMilli(System.currentTimeMillis());
        Instant expiresAt = send.expiresInSeconds() == null ? null : sentAt.plusSeconds(send.expiresInSeconds());
        DeviceAddress sender = send.sender();
        List<CompletableFuture<?>> acks = new ArrayList<>(send.copies().size() * 2);
        for (Copy copy : send.copies()) {
            Delivery delivery = Delivery.newBuilder()
                    .setMessageId(messageId)
                    .setSenderUserId(sender.userId())
                    .setSenderDeviceId(sender.deviceId())
                    .setRecipientUserId(copy.userId())
                    .setRecipientDeviceId(copy.deviceId())
                    .setSentAt(sentAt)
                    .setCiphertextType(copy.type())
                    .setContent(ByteBuffer.wrap(copy.content()))
                    .setExpiresAt(expiresAt)
                    .build();
            acks.add(publisher.send(Topics.DEVICE_DELIVERIES, copy.userId() + "." + copy.deviceId(), delivery));
            MessageMetadata metadata = MessageMetadata.newBuilder()
                    .setMessageId(messageId)
                    .setEvent(MessageEventType.SENT)
                    .setSenderUserId(sender.userId())
                    .setSenderDeviceId(sender.deviceId())
                    .setRecipientUserId(copy.userId())
                    .setRecipientDeviceId(copy.deviceId())
                    .setCiphertextBytes(copy.content().length)
                    .setAt(sentAt)
                    .setDestinationUserId(send.destination())
                    .setExpiresAt(expiresAt)
                    .build();
            acks.add(publisher.send(Topics.METADATA_MESSAGES, messageId, metadata));
        }
        if (send.copies().isEmpty()) {
            return recordNoteToSelf(messageId, sender, sentAt, expiresAt);
        }
        SendReceipt receipt =
                new SendReceipt(messageId, sentAt.toEpochMilli(), send.copies().size());
        return Mono.fromFuture(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)))
                .thenReturn(receipt)
                .doOnNext(done -> metrics.send("created"))
                .onErrorMap(error -> {
                    metrics.send("failed");
                    return Problem.unavailable("the message could not be stored, retry with the same idempotencyKey")
                            .toException();
                });
    }
}
