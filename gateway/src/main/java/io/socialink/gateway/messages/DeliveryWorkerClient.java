package io.socialink.gateway.messages;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.config.InternalProperties;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.serde.AvroSerde;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the head of a device queue from the delivery-worker's internal port ({@code GET /actuator/queues/{address}}),
 * which answers from its Kafka Streams state; every request carries the internal credential (HTTP Basic). Redirects are followed, so a worker that forwards to the instance owning the queue
 * works too. Any worker instance answers for every queue (it forwards to the instance holding it). A worker that
 * cannot be reached or answers an error gives 503 {@code unavailable}; while no instance holds the queue (a
 * rebalance) the 503 carries Retry-After.
 */
@Component
@EnableConfigurationProperties(QueueApiProperties.class)
public class DeliveryWorkerClient {

    /** A rebalance of the workers settles within seconds. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final QueueApiProperties properties;
    private final JsonMapper json;
    private final HttpClient http;
    private final String authorization;
    private final AvroSerde<Delivery> serde = new AvroSerde<>(Delivery.class);

    public DeliveryWorkerClient(QueueApiProperties properties, InternalProperties internal, JsonMapper json) {
        this.properties = properties;
        this.json = json;
        this.authorization = "Basic "
                + Base64.getEncoder()
                        .encodeToString((InternalProperties.USER + ":"
                                        + internal.secret().reveal())
                                .getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.deliveryWorkerTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public Mono<List<Delivery>> queueHead(DeviceAddress device, int limit) {
        String base = properties.deliveryWorkerUrl().toString().replaceAll("/+$", "");
        URI uri = URI.create(base + "/actuator/queues/" + URLEncoder.encode(device.toString(), StandardCharsets.UTF_8)
                + "?limit=" + limit);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(properties.deliveryWorkerTimeout())
                .header("Authorization", authorization)
                .GET()
                .build();
        return Mono.fromFuture(() -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .onErrorMap(error -> unavailable())
                .map(response -> {
                    if (response.statusCode() != 200) {
                        // 503 is the worker's "no instance holds the queue just now" (a rebalance, a restore)
                        throw response.statusCode() == 503 ? retryShortly() : unavailable();
                    }
                    JsonNode entries = json.readTree(response.body()).get("entries");
                    List<Delivery> head = new ArrayList<>();
                    Base64.Decoder base64 = Base64.getDecoder();
                    entries.forEach(entry -> head.add(serde.fromBytes(base64.decode(entry.asString()))));
                    return head;
                });
    }

    private static RuntimeException retryShortly() {
        return new ProblemException(
                Problem.unavailable("the device's queue is moving between delivery-worker instances, retry shortly"),
                RETRY_AFTER);
    }

    private static RuntimeException unavailable() {
        return Problem.unavailable("the delivery-worker holding the queue cannot be reached, retry later")
                .toException();
    }
}
