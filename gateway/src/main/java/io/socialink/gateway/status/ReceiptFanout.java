package io.socialink.gateway.status;

import io.socialink.gateway.kafka.EventPublisher;
import io.socialink.gateway.keys.DeviceDirectory;
import io.socialink.gateway.messages.DeviceEvents;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.MessageEventType;
import io.socialink.schemas.avro.MessageMetadata;
import io.socialink.schemas.topics.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Turns DELIVERED and READ metadata into queued {@code receipt} events for every active device of the message's
 * sender (live to online devices, through the queue to the others), except the device the receipt is about. Frame
 * attributes: {@code targetMessageId}, {@code status} ({@code delivered} | {@code read}), {@code userId} and
 * {@code deviceId} of the recipient device, {@code at} (epoch millis).
 */
@Component
public class ReceiptFanout {

    private final DeviceDirectory devices;
    private final EventPublisher publisher;

    public ReceiptFanout(DeviceDirectory devices, EventPublisher publisher) {
        this.devices = devices;
        this.publisher = publisher;
    }

    /** Completes when every receipt is in Kafka; empty for events that make no receipt. */
    public Mono<Void> fanOut(MessageMetadata event) {
        String status = event.getEvent() == MessageEventType.DELIVERED
                ? "delivered"
                : event.getEvent() == MessageEventType.READ ? "read" : null;
        if (status == null) {
            return Mono.empty();
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(DeviceEvents.TARGET_MESSAGE_ID, event.getMessageId());
        attributes.put("status", status);
        attributes.put("userId", event.getRecipientUserId());
        attributes.put("deviceId", Integer.toString(event.getRecipientDeviceId()));
        attributes.put("at", Long.toString(event.getAt().toEpochMilli()));
        String recipientAddress = event.getRecipientUserId() + "." + event.getRecipientDeviceId();
        String eventId = DeviceEvents.eventId(DeviceEvents.RECEIPT, status, event.getMessageId(), recipientAddress);
        String sender = event.getSenderUserId();
        // the directory's short-lived cache: one receipt per delivered copy must not cost a query each
        return devices.activeDevices(Set.of(sender), false)
                .map(bySender -> bySender.getOrDefault(sender, Map.of()).keySet())
                .flatMap(deviceIds -> {
                    List<CompletableFuture<?>> acks = new ArrayList<>(deviceIds.size());
                    deviceIds.stream()
                            .filter(deviceId -> !(sender.equals(event.getRecipientUserId())
                                    && deviceId == event.getRecipientDeviceId()))
                            .forEach(deviceId -> {
                                Delivery receipt = DeviceEvents.event(
                                        eventId,
                                        DeviceEvents.RECEIPT,
                                        attributes,
                                        event.getRecipientUserId(),
                                        event.getRecipientDeviceId(),
                                        sender,
                                        deviceId,
                                        event.getAt());
                                acks.add(publisher.send(Topics.DEVICE_DELIVERIES, sender + "." + deviceId, receipt));
                            });
                    return Mono.fromFuture(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)));
                });
    }
}
