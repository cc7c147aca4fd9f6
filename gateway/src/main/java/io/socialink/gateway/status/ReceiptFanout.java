package io.socialink.gateway.status;

import io.socialink.gateway.kafka.EventPublisher;
import io.socialink.gateway.keys.DeviceDirectory;
import io.socialink.gateway.messages.DeviceEvents;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.MessageEventType;
import io.socialink.schemas.avro.MessageMetadata;
import io.socialink.schemas.topics.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Turns the DELIVERED and READ metadata of one poll into queued {@code receipt} events for every active device of
 * each message's sender (live to online devices, through the queue to the others), except the device a receipt is
 * about. A sender device gets one event per poll carrying all of its receipts of that poll as {@code entries}, in log
 * order, at most {@link #MAX_ENTRIES} per event: under load one event, one push, one frame and one ack stand for
 * many receipts, instead of each receipt costing what a message costs. Entry members (strings):
 * {@code targetMessageId}, {@code status} ({@code delivered} | {@code read}), {@code userId} and {@code deviceId} of
 * the device the receipt is about, {@code at} (epoch millis). The event id is name-based over the event's address
 * and entries, so a replay of the same poll is dropped by the worker's per-device idempotency; a replay cut at other
 * poll boundaries may repeat a receipt in another event, which is harmless: a receipt states a status.
 */
@Component
public class ReceiptFanout {

    /** Receipts per event, which bounds a receipt frame to about 50 KB (an entry is at most ~200 characters). */
    public static final int MAX_ENTRIES = 256;

    private final DeviceDirectory devices;
    private final EventPublisher publisher;

    public ReceiptFanout(DeviceDirectory devices, EventPublisher publisher) {
        this.devices = devices;
        this.publisher = publisher;
    }

    /** Completes when every receipt event of {@code events} is in Kafka; empty when they make no receipt. */
    public Mono<Void> fanOut(List<MessageMetadata> events) {
        Set<String> senders = new LinkedHashSet<>();
        for (MessageMetadata event : events) {
            if (status(event) != null) {
                senders.add(event.getSenderUserId());
            }
        }
        if (senders.isEmpty()) {
            return Mono.empty();
        }
        // the directory's short-lived cache: a poll's receipts must not cost a query each
        return devices.activeDevices(senders, false).flatMap(bySender -> {
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (Delivery receipt : receipts(events, bySender)) {
                String address = receipt.getRecipientUserId() + "." + receipt.getRecipientDeviceId();
                acks.add(publisher.send(Topics.DEVICE_DELIVERIES, address, receipt));
            }
            return Mono.fromFuture(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)));
        });
    }

    /**
     * The receipt events of {@code events}, given the active devices of their senders (user → deviceId →
     * registrationId): per sender device, its receipts in log order, cut into events of at most
     * {@link #MAX_ENTRIES}.
     */
    static List<Delivery> receipts(List<MessageMetadata> events, Map<String, Map<Integer, Integer>> bySender) {
        Map<SenderDevice, List<MessageMetadata>> byDevice = new LinkedHashMap<>();
        Map<String, Set<Integer>> sortedDevices = new HashMap<>();
        for (MessageMetadata event : events) {
            if (status(event) == null) {
                continue;
            }
            String sender = event.getSenderUserId();
            Set<Integer> deviceIds = sortedDevices.computeIfAbsent(
                    sender,
                    user -> new TreeSet<>(bySender.getOrDefault(user, Map.of()).keySet()));
            for (int deviceId : deviceIds) {
                if (sender.equals(event.getRecipientUserId()) && deviceId == event.getRecipientDeviceId()) {
                    continue;
                }
                byDevice.computeIfAbsent(new SenderDevice(sender, deviceId), device -> new ArrayList<>())
                        .add(event);
            }
        }
        List<Delivery> receipts = new ArrayList<>();
        byDevice.forEach((device, receiptsOf) -> {
            for (int from = 0; from < receiptsOf.size(); from += MAX_ENTRIES) {
                receipts.add(
                        receipt(device, receiptsOf.subList(from, Math.min(receiptsOf.size(), from + MAX_ENTRIES))));
            }
        });
        return receipts;
    }

    private record SenderDevice(String userId, int deviceId) {}

    private static Delivery receipt(SenderDevice device, List<MessageMetadata> events) {
        List<Map<String, String>> entries = new ArrayList<>(events.size());
        List<String> idParts = new ArrayList<>(events.size() * 3 + 2);
        idParts.add(DeviceEvents.RECEIPT);
        idParts.add(device.userId() + "." + device.deviceId());
        Instant last = Instant.EPOCH;
        for (MessageMetadata event : events) {
            String status = status(event);
            String about = event.getRecipientUserId() + "." + event.getRecipientDeviceId();
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put(DeviceEvents.TARGET_MESSAGE_ID, event.getMessageId());
            entry.put("status", status);
            entry.put("userId", event.getRecipientUserId());
            entry.put("deviceId", Integer.toString(event.getRecipientDeviceId()));
            entry.put("at", Long.toString(event.getAt().toEpochMilli()));
            entries.add(entry);
            idParts.add(status);
            idParts.add(event.getMessageId());
            idParts.add(about);
            if (event.getAt().isAfter(last)) {
                last = event.getAt();
            }
        }
        MessageMetadata first = events.get(0);
        return DeviceEvents.event(
                DeviceEvents.eventId(idParts.toArray(String[]::new)),
                DeviceEvents.RECEIPT,
                Map.of(),
                entries,
                first.getRecipientUserId(),
                first.getRecipientDeviceId(),
                device.userId(),
                device.deviceId(),
                last);
    }

    private static @Nullable String status(MessageMetadata event) {
        return event.getEvent() == MessageEventType.DELIVERED
                ? "delivered"
                : event.getEvent() == MessageEventType.READ ? "read" : null;
    }
}
