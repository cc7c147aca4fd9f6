package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.gateway.keys.TestKeys;
import io.socialink.gateway.ratelimit.RateLimitProperties;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class RegistrationIT {

    private static GatewayApp app;
    private static String jdbcUrl;

    @BeforeAll
    static void start(KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) {
        app = GatewayApp.start(kafka, postgres, redis, Map.of());
        jdbcUrl = postgres.jdbcUrl();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static Response register(String userId, String authorization, String body) {
        return app.post("/api/v1/keys/register/" + userId, authorization, body);
    }

    private static String body(int registrationId) {
        return GatewayApp.registrationBody(registrationId);
    }

    private static int deviceRows(String userId) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                PreparedStatement query =
                        connection.prepareStatement("SELECT count(*) FROM devices WHERE user_id = ?")) {
            query.setString(1, userId);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldRegisterDevicesWithIncreasingIdsAndStoreOnlyASaltedHash() throws SQLException {
        // given
        String user = GatewayApp.unique("reg");

        // when
        Response first = register(user, "Bearer " + GatewayApp.platformToken(user), body(4711));
        Response second = register(user, "Bearer " + GatewayApp.platformToken(user), body(815));

        // then
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().get("userId").asString()).isEqualTo(user);
        assertThat(first.json().get("deviceId").asInt()).isEqualTo(1);
        String secret = first.json().get("deviceSecret").asString();
        assertThat(secret).matches("[A-Za-z0-9_-]{43}");
        assertThat(second.json().get("deviceId").asInt()).isEqualTo(2);
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                PreparedStatement query =
                        connection.prepareStatement("SELECT registration_id, secret_hash, secret_salt FROM devices"
                                + " WHERE user_id = ? AND device_id = 1")) {
            query.setString(1, user);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getInt("registration_id")).isEqualTo(4711);
                assertThat(row.getBytes("secret_hash")).hasSize(32);
                assertThat(new String(row.getBytes("secret_hash"), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .doesNotContain(secret);
                assertThat(row.getBytes("secret_salt")).hasSize(16);
            }
        }
    }

    @Test
    void shouldListActiveDevicesToAuthenticatedDevices() {
        // given
        String user = GatewayApp.unique("list");
        GatewayApp.Device device = app.register(user, 42);
        app.register(user, 43);

        // when
        Response devices = app.get("/api/v1/keys/devices/" + user, device.authorization());
        Response unknown = app.get("/api/v1/keys/devices/" + GatewayApp.unique("nobody"), device.authorization());

        // then
        assertThat(devices.status()).isEqualTo(200);
        assertThat(devices.json().get("userId").asString()).isEqualTo(user);
        assertThat(devices.json().get("devices")).hasSize(2);
        assertThat(devices.json().get("devices").get(0).get("deviceId").asInt()).isEqualTo(1);
        assertThat(devices.json().get("devices").get(0).get("registrationId").asInt())
                .isEqualTo(42);
        assertThat(devices.json().get("devices").get(1).get("createdAt").asLong())
                .isPositive();
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.problemType()).isEqualTo("https://socialink.io/problems/unknown-user");
    }

    @Test
    void shouldRejectMissingAndInvalidPlatformTokens() {
        // given
        String user = GatewayApp.unique("jwt");

        // when
        Response none = register(user, null, body(1));
        Response garbage = register(user, "Bearer not.a.jwt", body(1));
        Response wrongKey = register(
                user,
                "Bearer "
                        + GatewayApp.platformToken(
                                user, "another-platform-secret-0123456789abcdefgh", Duration.ofMinutes(5)),
                body(1));
        Response expired = register(
                user,
                "Bearer " + GatewayApp.platformToken(user, GatewayApp.PLATFORM_SECRET, Duration.ofMinutes(-10)),
                body(1));

        // then
        for (Response response : List.of(none, garbage, wrongKey, expired)) {
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.problemType()).isEqualTo("https://socialink.io/problems/unauthorized");
        }
        assertThat(deviceRows(user)).isZero();
    }

    @Test
    void shouldForbidRegisteringForAnotherUser() {
        // given
        String user = GatewayApp.unique("victim");

        // when
        Response response =
                register(user, "Bearer " + GatewayApp.platformToken(GatewayApp.unique("attacker")), body(1));

        // then
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.problemType()).isEqualTo("https://socialink.io/problems/forbidden");
        assertThat(deviceRows(user)).isZero();
    }

    @Test
    void shouldRejectInvalidBodiesWithoutStoringAnything() {
        // given
        String user = GatewayApp.unique("bad");
        String token = "Bearer " + GatewayApp.platformToken(user);
        String shortKey = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        String key = TestKeys.generate().identityKey();

        // when
        List<Response> responses = List.of(
                register(user, token, "{\"registrationId\":1,\"identityKey\":\"" + shortKey + "\"}"),
                register(user, token, "{\"registrationId\":0,\"identityKey\":\"" + key + "\"}"),
                register(user, token, "{\"registrationId\":16381,\"identityKey\":\"" + key + "\"}"),
                register(user, token, "{\"registrationId\":1.5,\"identityKey\":\"" + key + "\"}"),
                register(user, token, "{\"registrationId\":\"7\",\"identityKey\":\"" + key + "\"}"),
                register(user, token, "{\"registrationId\":1,\"identityKey\":\"%%%\"}"),
                register(user, token, "{\"registrationId\":1,\"identityKey\":\"" + key + "\",\"signedPreKey\":\"x\"}"),
                register(user, token, "{\"registrationId\":1"),
                register(user, token, ""));

        // then
        for (Response response : responses) {
            assertThat(response.status()).as(response.body()).isEqualTo(400);
            assertThat(response.problemType()).isEqualTo("https://socialink.io/problems/bad-request");
        }
        assertThat(deviceRows(user)).isZero();
    }

    @Test
    void shouldRefuseTheEleventhDevice() {
        // given
        String user = GatewayApp.unique("many");
        for (int i = 1; i <= 10; i++) {
            app.register(user, i);
        }

        // when
        Response response = register(user, "Bearer " + GatewayApp.platformToken(user), body(11));

        // then
        assertThat(response.status()).isEqualTo(409);
        assertThat(response.problemType()).isEqualTo("https://socialink.io/problems/too-many-devices");
        assertThat(deviceRows(user)).isEqualTo(10);
    }

    @Test
    void shouldRateLimitRegistrationsPerUserWithRetryAfter() {
        // given
        String user = GatewayApp.unique("burst");
        String token = "Bearer " + GatewayApp.platformToken(user);
        for (int i = 0; i < RateLimitProperties.DEFAULT_REGISTRATIONS.capacity(); i++) {
            register(user, token, body(1));
        }

        // when
        Response limited = register(user, token, body(1));
        Response otherUser = register(
                GatewayApp.unique("calm"), "Bearer " + GatewayApp.platformToken(GatewayApp.unique("calm")), body(1));

        // then
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.problemType()).isEqualTo("https://socialink.io/problems/rate-limited");
        assertThat(limited.raw().headers().firstValue("Retry-After").map(Long::parseLong))
                .get()
                .satisfies(seconds -> assertThat(seconds).isBetween(1L, 3600L));
        assertThat(otherUser.status()).isNotEqualTo(429);
    }

    @Test
    void shouldAssignDistinctIdsToConcurrentRegistrations() throws Exception {
        // given
        String user = GatewayApp.unique("race");
        String token = "Bearer " + GatewayApp.platformToken(user);
        ExecutorService pool = Executors.newFixedThreadPool(8);

        // when
        List<CompletableFuture<Response>> responses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            responses.add(CompletableFuture.supplyAsync(() -> register(user, token, body(100)), pool));
        }
        List<Response> done = new ArrayList<>();
        for (CompletableFuture<Response> response : responses) {
            done.add(response.get());
        }
        pool.shutdown();

        // then
        List<Integer> ids = done.stream()
                .filter(r -> r.status() == 201)
                .map(r -> r.json().get("deviceId").asInt())
                .sorted()
                .toList();
        assertThat(ids).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(done.stream().filter(r -> r.status() == 409)).hasSize(2);
        assertThat(deviceRows(user)).isEqualTo(10);
    }
}
