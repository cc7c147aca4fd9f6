package io.socialink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.socialink.delivery.runtime.DeliveryStreams;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The worker's internal endpoints: the queue API and the actuator live on the internal port and need the internal
 * credential; the public port answers liveness and readiness only; health shows no details to anonymous callers.
 * (The startup rules for the secret are LocalProfileIT's: a second app closed in this JVM would take the shared
 * Reactor Netty resources, and with them this class's app, down.)
 */
@ExtendWith(LocalKafka.class)
class InternalApiIT {

    private static final String SECRET = "integration-test-internal-secret-0123456789";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static ConfigurableApplicationContext app;

    @BeforeAll
    static void start(KafkaTestEnv kafka, @TempDir Path stateDir) {
        app = start(kafka, stateDir, Map.of("socialink.internal.secret", SECRET));
        DeliveryStreams streams = app.getBean(DeliveryStreams.class);
        await().atMost(TIMEOUT).until(() -> streams.state() == KafkaStreams.State.RUNNING);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static ConfigurableApplicationContext start(KafkaTestEnv kafka, Path stateDir, Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(kafka.springProperties());
        properties.put("server.port", 0);
        properties.put("management.server.port", 0);
        properties.put("socialink.delivery.application-id", "internal-api-it-" + UUID.randomUUID());
        properties.put("socialink.delivery.state-dir", stateDir.toString());
        properties.putAll(extra);
        return new SpringApplicationBuilder(DeliveryWorkerApplication.class)
                .properties(properties)
                .run();
    }

    @Test
    void shouldRefuseTheQueueApiWithoutOrWithAWrongCredential() throws Exception {
        // when
        HttpResponse<String> none = get(internalPort(app), "/actuator/queues/dave.1", null);
        HttpResponse<String> wrong = get(
                internalPort(app),
                "/actuator/queues/dave.1",
                basic("internal", "wrong-secret-wrong-secret-wrong-secret"));
        HttpResponse<String> wrongUser = get(internalPort(app), "/actuator/queues/dave.1", basic("dave", SECRET));

        // then
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).doesNotContain("entries");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrongUser.statusCode()).isEqualTo(401);
    }

    @Test
    void shouldAnswerTheQueueApiWithTheInternalCredential() {
        // when (interactive queries answer once the store is queryable)
        HttpResponse<String> answer = await().atMost(TIMEOUT)
                .until(
                        () -> get(internalPort(app), "/actuator/queues/dave.1?limit=5", basic("internal", SECRET)),
                        response -> response.statusCode() == 200);

        // then
        assertThat(answer.body()).contains("\"address\":\"dave.1\"").contains("\"entries\":[]");
    }

    @Test
    void shouldServeNeitherTheQueueApiNorTheActuatorOnThePublicPort() throws Exception {
        // when
        HttpResponse<String> oldPathAnonymous = get(publicPort(app), "/internal/queues/dave.1", null);
        HttpResponse<String> oldPath = get(publicPort(app), "/internal/queues/dave.1", basic("internal", SECRET));
        HttpResponse<String> queues = get(publicPort(app), "/actuator/queues/dave.1", basic("internal", SECRET));
        HttpResponse<String> metrics = get(publicPort(app), "/actuator/prometheus", basic("internal", SECRET));

        // then
        assertThat(oldPathAnonymous.statusCode()).isEqualTo(401);
        assertThat(oldPath.statusCode()).isEqualTo(404);
        assertThat(queues.statusCode()).isEqualTo(404);
        assertThat(metrics.statusCode()).isEqualTo(404);
    }

    @Test
    void shouldShowHealthDetailsOnlyWithTheInternalCredential() throws Exception {
        // when
        HttpResponse<String> anonymous = get(internalPort(app), "/actuator/health", null);
        HttpResponse<String> authorized = get(internalPort(app), "/actuator/health", basic("internal", SECRET));
        HttpResponse<String> ready = get(publicPort(app), "/readyz", null);
        HttpResponse<String> live = get(publicPort(app), "/livez", null);
        HttpResponse<String> metrics = get(internalPort(app), "/actuator/prometheus", null);

        // then
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.body())
                .contains("\"status\":\"UP\"")
                .doesNotContain("components")
                .doesNotContain("diskSpace")
                .doesNotContain("path");
        assertThat(authorized.body()).contains("diskSpace").contains("RUNNING");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"status\":\"UP\"").doesNotContain("components");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(metrics.statusCode()).isEqualTo(401);
    }

    @Test
    void shouldBindTheInternalPortToLoopbackByDefault() {
        assertThat(app.getEnvironment().getProperty("management.server.address"))
                .isEqualTo("127.0.0.1");
    }

    private static int publicPort(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    static int internalPort(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.management.port", "-1"));
    }

    static String basic(String user, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> get(int port, String path, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
