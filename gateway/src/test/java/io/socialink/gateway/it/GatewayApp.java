package io.socialink.gateway.it;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.socialink.gateway.GatewayApplication;
import io.socialink.gateway.keys.TestKeys;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A gateway started for one integration test class against the real local services, with a small HTTP client. */
final class GatewayApp implements AutoCloseable {

    static final String PLATFORM_SECRET = "integration-test-platform-secret-0123456789";
    static final String INTERNAL_SECRET = "integration-test-internal-secret-0123456789";
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final ConfigurableApplicationContext context;
    private final HttpClient http = HttpClient.newHttpClient();
    final int port;
    /** The internal (management) port: the actuator. */
    final int internalPort;

    private GatewayApp(ConfigurableApplicationContext context) {
        this.context = context;
        this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
        this.internalPort = Integer.parseInt(context.getEnvironment().getProperty("local.management.port", "-1"));
    }

    static GatewayApp start(
            KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis, Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>();
        properties.putAll(kafka.springProperties());
        properties.putAll(postgres.springProperties());
        properties.putAll(redis.springProperties());
        properties.put("server.port", 0);
        properties.put("management.server.port", 0);
        properties.put("socialink.platform.jwt-secret", PLATFORM_SECRET);
        properties.put("socialink.internal.secret", INTERNAL_SECRET);
        // a null value removes a property (a test of the defaults)
        extra.forEach((key, value) -> {
            if (value == null) {
                properties.remove(key);
            } else {
                properties.put(key, value);
            }
        });
        return new GatewayApp(new SpringApplicationBuilder(GatewayApplication.class)
                .properties(properties)
                .run());
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    static String unique(String name) {
        return name + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String platformToken(String subject) {
        return platformToken(subject, PLATFORM_SECRET, Duration.ofMinutes(5));
    }

    static String platformToken(String subject, String secret, Duration validFor) {
        return platformToken(
                new JWTClaimsSet.Builder()
                        .subject(subject)
                        .issueTime(new Date())
                        .expirationTime(new Date(System.currentTimeMillis() + validFor.toMillis()))
                        .build(),
                secret);
    }

    /** A platform token with exactly {@code claims}, signed HS256 with {@code secret}. */
    static String platformToken(JWTClaimsSet claims, String secret) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One-time prekeys of each kind a test device registers with: enough not to be low on prekeys. */
    static final int DEFAULT_ONE_TIME_KEYS = 20;

    /** A valid registration body with fresh libsignal keys. */
    static String registrationBody(int registrationId) {
        return registrationBody(TestKeys.generate(), registrationId, DEFAULT_ONE_TIME_KEYS, DEFAULT_ONE_TIME_KEYS);
    }

    static String registrationBody(TestKeys keys, int registrationId, int preKeys, int pqPreKeys) {
        return JSON.writeValueAsString(keys.registration(registrationId, preKeys, pqPreKeys));
    }

    static String basic(String user, int device, String secret) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((user + "." + device + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** A registered device and its credentials. */
    record Device(String userId, int deviceId, int registrationId, String secret) {

        String authorization() {
            return basic(userId, deviceId, secret);
        }

        String address() {
            return userId + "." + deviceId;
        }
    }

    Device register(String userId, int registrationId) {
        return register(userId, registrationId, TestKeys.generate(), DEFAULT_ONE_TIME_KEYS, DEFAULT_ONE_TIME_KEYS);
    }

    /** Registers a device with {@code keys} and that many one-time prekeys (EC ids from 1, Kyber ids from 2). */
    Device register(String userId, int registrationId, TestKeys keys, int preKeys, int pqPreKeys) {
        Response response = post(
                "/api/v1/keys/register/" + userId,
                "Bearer " + platformToken(userId),
                registrationBody(keys, registrationId, preKeys, pqPreKeys));
        if (response.status() != 201) {
            throw new IllegalStateException("registration failed: " + response);
        }
        return new Device(
                userId,
                response.json().get("deviceId").asInt(),
                registrationId,
                response.json().get("deviceSecret").asString());
    }

    record Response(int status, String contentType, String body, HttpResponse<String> raw) {

        JsonNode json() {
            return JSON.readTree(body);
        }

        String problemType() {
            return json().get("type").asString();
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** GET on the internal (management) port. */
    Response getInternal(String path, String authorization) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + internalPort + path))
                .timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return send(builder.GET());
    }

    static String internalAuthorization(String secret) {
        return "Basic " + Base64.getEncoder().encodeToString(("internal:" + secret).getBytes(StandardCharsets.UTF_8));
    }

    Response post(String path, String authorization, String body) {
        return send(request(path, authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response get(String path, String authorization) {
        return send(request(path, authorization).GET());
    }

    Response put(String path, String authorization, String body) {
        return send(request(path, authorization)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response delete(String path, String authorization) {
        return send(request(path, authorization).DELETE());
    }

    HttpRequest.Builder request(String path, String authorization) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder;
    }

    Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body(),
                    response);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        context.close();
    }
}
