package io.socialink.delivery.http;

import io.socialink.delivery.queue.StoreKeys;
import io.socialink.delivery.runtime.DeliveryStreams;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.serde.AvroSerde;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.stereotype.Component;

/**
 * {@code GET /actuator/queues/{address}?limit=}: the head of a device's queue for the gateway's queue API (the
 * same entries, in the same order, as the socket drain). Entries are Avro single-object encoded {@link Delivery}
 * records in base64, so the gateway renders them with its own frame code. An actuator endpoint, so it is served only
 * on the internal (management) port and only to callers with the internal credential; the gateway authenticates the
 * device.
 */
@Component
@WebEndpoint(id = QueueQueryEndpoint.ID)
public class QueueQueryEndpoint {

    public static final String ID = "queues";
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    private final DeliveryStreams streams;
    private final AvroSerde<Delivery> serde = new AvroSerde<>(Delivery.class);

    public QueueQueryEndpoint(DeliveryStreams streams) {
        this.streams = streams;
    }

    @ReadOperation
    public WebEndpointResponse<Map<String, Object>> head(@Selector String address, @Nullable Integer limit) {
        int max = limit == null ? DEFAULT_LIMIT : limit;
        if (!StoreKeys.isUsableAddress(address) || max < 1 || max > MAX_LIMIT) {
            return new WebEndpointResponse<>(
                    Map.of("error", "address and limit 1.." + MAX_LIMIT), WebEndpointResponse.STATUS_BAD_REQUEST);
        }
        List<Delivery> head;
        try {
            head = streams.queueHead(address, max);
        } catch (InvalidStateStoreException e) {
            return new WebEndpointResponse<>(
                    Map.of("error", String.valueOf(e.getMessage())), WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
        }
        Base64.Encoder base64 = Base64.getEncoder();
        List<String> entries = head.stream()
                .map(delivery -> base64.encodeToString(serde.toBytes(delivery)))
                .toList();
        return new WebEndpointResponse<>(Map.of("address", address, "entries", entries));
    }
}
