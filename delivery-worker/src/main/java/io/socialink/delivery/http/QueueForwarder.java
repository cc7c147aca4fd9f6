package io.socialink.delivery.http;

import io.socialink.streams.security.InternalProperties;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks the instance that holds a queue ({@code host:port} of its internal port, as it advertises it) for the queue's
 * head, with the internal credential, and relays its answer; an instance that cannot be reached is a 503.
 */
@Component
public class QueueForwarder {

    private static final Logger log = LoggerFactory.getLogger(QueueForwarder.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final TypeReference<Map<String, Object>> BODY = new TypeReference<>() {};

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final String authorization;
    private final JsonMapper json;

    public QueueForwarder(InternalProperties internal, JsonMapper json) {
        this.json = json;
        this.authorization = "Basic "
                + Base64.getEncoder()
                        .encodeToString((InternalProperties.USER + ":"
                                        + internal.secret().reveal())
                                .getBytes(StandardCharsets.UTF_8));
    }

    WebEndpointResponse<Map<String, Object>> forward(String hostPort, String address, int limit) {
        URI uri = URI.create("http://" + hostPort + "/actuator/" + QueueQueryEndpoint.ID + "/"
                + URLEncoder.encode(address, StandardCharsets.UTF_8) + "?limit=" + limit + "&forwarded=true");
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header("Authorization", authorization)
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == WebEndpointResponse.STATUS_OK
                    || response.statusCode() == WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE) {
                return new WebEndpointResponse<>(json.readValue(response.body(), BODY), response.statusCode());
            }
            log.warn("queue query of {} forwarded to {} answered {}", address, hostPort, response.statusCode());
            return QueueQueryEndpoint.unavailable("the instance holding the queue answered " + response.statusCode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return QueueQueryEndpoint.unavailable("interrupted");
        } catch (Exception e) {
            log.debug("queue query of {} not forwarded to {}: {}", address, hostPort, e.toString());
            return QueueQueryEndpoint.unavailable("the instance holding the queue cannot be reached");
        }
    }
}
