package io.socialink.gateway.keys;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.kafka.EventPublisher;
import io.socialink.gateway.websocket.ConnectEvents;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.DeviceEvent;
import io.socialink.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * Tells a device that its one-time prekeys run low, so it refills without polling: an ephemeral {@code low-prekeys}
 * delivery ({@code ecPreKeys}, {@code pqPreKeys}) to {@code device.deliveries} when a claim leaves fewer than the
 * threshold of either kind (pushed only if the device is online), and the same event on its socket right after it
 * connects while it stays low. Best effort: a lost event is made again by the next claim or connect.
 */
@Component
public class LowPreKeyEvents implements ConnectEvents {

    public static final String TYPE = "low-prekeys";

    private static final Logger log = LoggerFactory.getLogger(LowPreKeyEvents.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final PreKeyRepository preKeys;
    private final EventPublisher publisher;
    private final int threshold;

    public LowPreKeyEvents(PreKeyRepository preKeys, EventPublisher publisher, PreKeyProperties properties) {
        this.preKeys = preKeys;
        this.publisher = publisher;
        this.threshold = properties.lowThreshold();
    }

    /** Produces the event when {@code claim} took a key and left the device low; does not wait for Kafka. */
    public void afterClaim(DeviceAddress device, Claim claim) {
        if (!claim.tookAny() || !claim.remaining().isLow(threshold)) {
            return;
        }
        publisher
                .send(Topics.DEVICE_DELIVERIES, device.toString(), event(device, claim.remaining()))
                .whenComplete((metadata, error) -> {
                    if (error != null) {
                        log.warn("low-prekeys event for {} not produced: {}", device, error.toString());
                    }
                });
    }

    @Override
    public Flux<Delivery> onConnect(DeviceAddress device) {
        return preKeys.counts(device)
                .filter(counts -> counts.isLow(threshold))
                .map(counts -> event(device, counts))
                .flux();
    }

    /**
     * The ephemeral delivery of the event. Server-made: it names the device itself as sender and has no content;
     * its messageId is random, as nothing de-duplicates or acknowledges it.
     */
    static Delivery event(DeviceAddress device, PreKeyCounts counts) {
        return Delivery.newBuilder()
                .setMessageId(UUID.randomUUID().toString())
                .setSenderUserId(device.userId())
                .setSenderDeviceId(device.deviceId())
                .setRecipientUserId(device.userId())
                .setRecipientDeviceId(device.deviceId())
                .setSentAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                .setCiphertextType(0)
                .setContent(EMPTY.duplicate())
                .setExpiresAt(null)
                .setEvent(DeviceEvent.newBuilder()
                        .setType(TYPE)
                        .setAttributes(Map.of(
                                "ecPreKeys",
                                Integer.toString(counts.ecPreKeys()),
                                "pqPreKeys",
                                Integer.toString(counts.pqPreKeys())))
                        .build())
                .setEphemeral(true)
                .build();
    }
}
