package io.socialink.delivery.http;

import io.socialink.delivery.queue.StoreKeys;
import io.socialink.delivery.runtime.DeliveryStreams;
import io.socialink.delivery.runtime.QueueLocation;
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
 *
 * <p>Any instance answers for every queue: one that does not hold the queue forwards the query once to the instance
 * that does ({@link QueueForwarder}; {@code forwarded=true} marks the forwarded query, which is never forwarded
 * again). While no instance can answer (a rebalance, a restore) the answer is 503 with {@code retryAfterSeconds},
 * never an empty queue that is not the device's.
 */
@Component
@WebEndpoint(id = QueueQueryEndpoint.ID)
public class QueueQueryEndpoint {

    public static final String ID = "queues";
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    /** What a 503 tells the caller to wait before asking again: a rebalance settles within seconds. */
    static final int RETRY_AFTER_SECONDS = 1;

    private final DeliveryStreams streams;
    private final QueueForwarder forwarder;
    private final AvroSerde<Delivery> serde = new AvroSerde<>(Delivery.class);

    public QueueQueryEndpoint(DeliveryStreams streams, QueueForwarder forwarder) {
        this.streams = streams;
        this.forwarder = forwarder;
    }

    @ReadOperation
    public WebEndpointResponse<Map<String, Object>> head(
            @Selector String address, @Nullable Integer limit, @Nullable Boolean forwarded) {
        int max = limit == null ? DEFAULT_LIMIT : limit;
        if (!StoreKeys.isUsableAddress(address) || max < 1 || max > MAX_LIMIT) {
            return new WebEndpointResponse<>(
                    Map.of("error", "address and limit 1.." + MAX_LIMIT), WebEndpointResponse.STATUS_BAD_REQUEST);
        }
        QueueLocation location = streams.locate(address);
        if (location instanceof QueueLocation.Remote remote) {
            if (Boolean.TRUE.equals(forwarded)) {
                // the owner's metadata and ours disagree (a rebalance under way): a second hop could loop
                return unavailable("this instance does not hold the queue of " + address);
            }
            return forwarder.forward(remote.hostPort(), address, max);
        }
        if (location instanceof QueueLocation.Unavailable none) {
            return unavailable(none.reason());
        }
        List<Delivery> head;
        try {
            head = streams.queueHead(address, ((QueueLocation.Local) location).partition(), max);
        } catch (InvalidStateStoreException e) {
            return unavailable(String.valueOf(e.getMessage()));
        }
        Base64.Encoder base64 = Base64.getEncoder();
        List<String> entries = head.stream()
                .map(delivery -> base64.encodeToString(serde.toBytes(delivery)))
                .toList();
        return new WebEndpointResponse<>(Map.of("address", address, "entries", entries));
    }

    static WebEndpointResponse<Map<String, Object>> unavailable(String reason) {
        return new WebEndpointResponse<>(
                Map.of("error", reason, "retryAfterSeconds", RETRY_AFTER_SECONDS),
                WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
    }
}
