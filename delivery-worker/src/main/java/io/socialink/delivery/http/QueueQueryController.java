package io.socialink.delivery.http;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.socialink.delivery.queue.StoreKeys;
import io.socialink.delivery.runtime.DeliveryStreams;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.serde.AvroSerde;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /internal/queues/{address}?limit=}: the head of a device's queue for the gateway's queue API (the
 * same entries, in the same order, as the socket drain). Entries are Avro single-object encoded {@link Delivery}
 * records in base64, so the gateway renders them with its own frame code. Internal: the worker's port must not be
 * reachable from clients; the gateway authenticates the device.
 */
@RestController
public class QueueQueryController {

    public static final int MAX_LIMIT = 1000;

    private final DeliveryStreams streams;
    private final AvroSerde<Delivery> serde = new AvroSerde<>(Delivery.class);

    public QueueQueryController(DeliveryStreams streams) {
        this.streams = streams;
    }

    @GetMapping(path = "/internal/queues/{address}", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> head(@PathVariable String address,
                                                    @RequestParam(defaultValue = "100") int limit) {
        if (!StoreKeys.isUsableAddress(address) || limit < 1 || limit > MAX_LIMIT) {
            return ResponseEntity.badRequest().body(Map.of("error", "address and limit 1.." + MAX_LIMIT));
        }
        List<Delivery> head;
        try {
            head = streams.queueHead(address, limit);
        } catch (InvalidStateStoreException e) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("error", e.getMessage()));
        }
        Base64.Encoder base64 = Base64.getEncoder();
        List<String> entries = head.stream()
                .map(delivery -> base64.encodeToString(serde.toBytes(delivery)))
                .toList();
        return ResponseEntity.ok(Map.of("address", address, "entries", entries));
    }
}
