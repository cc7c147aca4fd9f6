package io.socialink.gateway.messages;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.config.InternalProperties;
import io.socialink.gateway.problem.Problem;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.serde.AvroSerde;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * works too. A worker that cannot be reached or answers an error gives 503 {@code unavailable}.
 */
@Component
@EnableConfigurationProperties(QueueApiProperties.class)
public class DeliveryWorkerClient {

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
                        throw unavailable();
                    }
                    JsonNode entries = json.readTree(response.body()).get("entries");
                    List<Delivery> head = new ArrayList<>();
                    Base64.Decoder base64 = Base64.getDecoder();
                    entries.forEach(entry -> head.add(serde.fromBytes(base64.decode(entry.asString()))));
                    return head;
                });
    }

    private static RuntimeException unavailable() {
        return Problem.unavailable("the delivery-worker holding the queue cannot be reached, retry later")
                .toException();
    }
}
