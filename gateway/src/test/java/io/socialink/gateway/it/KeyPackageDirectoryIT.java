package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.groups.MlsTestDevice;
import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/** The MLS KeyPackage directory against the real services: validation, counts, claims, concurrency, rate limit. */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class KeyPackageDirectoryIT {

    private static final int CLAIM_LIMIT = 60;

    private static GatewayApp app;

    @BeforeAll
    static void start(KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) {
        app = GatewayApp.start(
                kafka,
                postgres,
                redis,
                Map.of("socialink.gateway.rate-limits.keypackage-claims.capacity", CLAIM_LIMIT));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static Response upload(Device device, List<byte[]> oneTime, byte[] lastResort) {
        Map<String, Object> body = new HashMap<>();
        body.put("keyPackages", oneTime.stream().map(KeyPackageDirectoryIT::b64).toList());
        if (lastResort != null) {
            body.put("lastResort", b64(lastResort));
        }
        return app.put("/api/v1/keypackages", device.authorization(), GatewayApp.JSON.writeValueAsString(body));
    }

    static List<byte[]> keyPackages(MlsTestDevice mls, int count) {
        List<byte[]> keyPackages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keyPackages.add(mls.keyPackageMessage());
        }
        return keyPackages;
    }

    static Response claim(Device caller, List<String> users, boolean skipOwnDevices) {
        return app.post(
                "/api/v1/keypackages/claim",
                caller.authorization(),
                GatewayApp.JSON.writeValueAsString(Map.of("users", users, "skipOwnDevices", skipOwnDevices)));
    }

    static JsonNode count(Device device) {
        Response response = app.get("/api/v1/keypackages/count", device.authorization());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    @Test
    void shouldStoreValidKeyPackagesAndCountThem() {
        // given
        Device bob = app.register(GatewayApp.unique("bob"), 1);
        MlsTestDevice mls = new MlsTestDevice(bob.address());

        // when
        Response response = upload(bob, keyPackages(mls, 3), mls.keyPackageMessage());

        // then
        assertThat(response.status()).as(response.body()).isEqualTo(204);
        JsonNode count = count(bob);
        assertThat(count.get("count").asInt()).isEqualTo(3);
        assertThat(count.get("lastResort").asBoolean()).isTrue();
    }

    @Test
    void shouldRejectAKeyPackageOfAnotherDeviceAndStoreNothing() {
        // given: one valid KeyPackage and one whose credential names the user's other device
        Device bob = app.register(GatewayApp.unique("bob"), 1);
        MlsTestDevice own = new MlsTestDevice(bob.address());
        MlsTestDevice other = new MlsTestDevice(bob.userId() + ".2");

        // when
        Response response = upload(bob, List.of(own.keyPackageMessage(), other.keyPackageMessage()), null);

        // then
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.problemType()).endsWith("/invalid-key-package");
        assertThat(response.json().get("detail").asString()).contains("keyPackages[1]", "credential identity");
        assertThat(count(bob).get("count").asInt()).isZero();
    }

    @Test
    void shouldRejectABadSignature() {
        // given
        Device bob = app.register(GatewayApp.unique("bob"), 1);
        byte[] forged = new MlsTestDevice(bob.address()).keyPackageMessage();
        forged[forged.length - 1] ^= 1;

        // when
        Response response = upload(bob, List.of(), forged);

        // then
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.problemType()).endsWith("/invalid-key-package");
        assertThat(count(bob).get("lastResort").asBoolean()).isFalse();
    }

    @Test
    void shouldRejectGarbageBadBase64AndTooManyKeyPackages() {
        // given
        Device bob = app.register(GatewayApp.unique("bob"), 1);
        MlsTestDevice mls = new MlsTestDevice(bob.address());

        // when
        Response garbage = upload(bob, List.of(new byte[] {0, 1, 0, 5, 1, 2, 3}), null);
        Response badBase64 = app.put("/api/v1/keypackages", bob.authorization(), "{\"keyPackages\": [\"%%%\"]}");
        Response tooMany = upload(bob, keyPackages(mls, 101), null);

        // then
        assertThat(garbage.status()).isEqualTo(422);
        assertThat(garbage.problemType()).endsWith("/invalid-key-package");
        assertThat(badBase64.status()).isEqualTo(400);
        assertThat(tooMany.status()).isEqualTo(422);
        assertThat(tooMany.problemType()).endsWith("/too-many-key-packages");
        assertThat(count(bob).get("count").asInt()).isZero();
    }

    @Test
    void shouldClaimOneKeyPackagePerDeviceThenTheLastResortThenReportMissing() {
        // given: bob.1 with one one-time KeyPackage and a last resort, bob.2 with nothing
        String bobId = GatewayApp.unique("bob");
        Device bob1 = app.register(bobId, 1);
        Device bob2 = app.register(bobId, 2);
        MlsTestDevice mls = new MlsTestDevice(bob1.address());
        byte[] oneTime = mls.keyPackageMessage();
        byte[] lastResort = mls.keyPackageMessage();
        assertThat(upload(bob1, List.of(oneTime), lastResort).status()).isEqualTo(204);
        Device alice = app.register(GatewayApp.unique("alice"), 1);

        // when
        Response first = claim(alice, List.of(bobId), true);
        Response second = claim(alice, List.of(bobId), true);
        Response third = claim(alice, List.of(bobId), true);

        // then
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        JsonNode claimed = first.json().get("keyPackages");
        assertThat(claimed).hasSize(1);
        assertThat(claimed.get(0).get("userId").asString()).isEqualTo(bobId);
        assertThat(claimed.get(0).get("deviceId").asInt()).isEqualTo(bob1.deviceId());
        assertThat(claimed.get(0).get("keyPackage").asString()).isEqualTo(b64(oneTime));
        assertThat(claimed.get(0).get("lastResort").asBoolean()).isFalse();
        assertThat(first.json().get("missing")).hasSize(1);
        assertThat(first.json().get("missing").get(0).get("deviceId").asInt()).isEqualTo(bob2.deviceId());
        for (Response again : List.of(second, third)) {
            JsonNode reused = again.json().get("keyPackages").get(0);
            assertThat(reused.get("keyPackage").asString()).isEqualTo(b64(lastResort));
            assertThat(reused.get("lastResort").asBoolean()).isTrue();
        }
        assertThat(count(bob1).get("count").asInt()).isZero();
    }

    @Test
    void shouldSkipOnlyTheCallersOwnDevice() {
        // given: alice with two devices, both with KeyPackages
        String aliceId = GatewayApp.unique("alice");
        Device alice1 = app.register(aliceId, 1);
        Device alice2 = app.register(aliceId, 2);
        for (Device device : List.of(alice1, alice2)) {
            MlsTestDevice mls = new MlsTestDevice(device.address());
            assertThat(upload(device, List.of(mls.keyPackageMessage()), mls.keyPackageMessage())
                            .status())
                    .isEqualTo(204);
        }

        // when
        Response skipping = claim(alice1, List.of(aliceId), true);
        Response notSkipping = claim(alice1, List.of(aliceId), false);

        // then
        assertThat(skipping.json().get("keyPackages"))
                .extracting(node -> node.get("deviceId").asInt())
                .containsExactly(alice2.deviceId());
        assertThat(notSkipping.json().get("keyPackages"))
                .extracting(node -> node.get("deviceId").asInt())
                .containsExactly(alice1.deviceId(), alice2.deviceId());
    }

    @Test
    void shouldHandOutEachOneTimeKeyPackageExactlyOnceUnderConcurrentClaims() throws Exception {
        // given: 50 one-time KeyPackages and a last resort; 200 claims from 5 callers (40 each, under the limit)
        Device bob = app.register(GatewayApp.unique("bob"), 1);
        MlsTestDevice mls = new MlsTestDevice(bob.address());
        List<byte[]> oneTime = keyPackages(mls, 50);
        byte[] lastResort = mls.keyPackageMessage();
        assertThat(upload(bob, oneTime, lastResort).status()).isEqualTo(204);
        List<Device> callers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            callers.add(app.register(GatewayApp.unique("caller"), 1));
        }

        // when
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<Response>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Device caller = callers.get(i % callers.size());
            futures.add(pool.submit(() -> claim(caller, List.of(bob.userId()), false)));
        }
        List<JsonNode> handedOut = new ArrayList<>();
        for (Future<Response> future : futures) {
            Response response = future.get();
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            handedOut.add(response.json().get("keyPackages").get(0));
        }
        pool.shutdown();

        // then
        Map<String, Long> oneTimeHandedOut = handedOut.stream()
                .filter(node -> !node.get("lastResort").asBoolean())
                .collect(Collectors.groupingBy(node -> node.get("keyPackage").asString(), Collectors.counting()));
        assertThat(oneTimeHandedOut).hasSize(50).allSatisfy((keyPackage, times) -> assertThat(times)
                .isEqualTo(1L));
        assertThat(oneTimeHandedOut.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        oneTime.stream().map(KeyPackageDirectoryIT::b64).toList());
        assertThat(handedOut.stream()
                        .filter(node -> node.get("lastResort").asBoolean())
                        .map(node -> node.get("keyPackage").asString())
                        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting())))
                .containsExactly(Map.entry(b64(lastResort), 150L));
        assertThat(count(bob).get("count").asInt()).isZero();
    }

    @Test
    void shouldRateLimitClaimsPerCaller() {
        // given
        Device bob = app.register(GatewayApp.unique("bob"), 1);
        Device alice = app.register(GatewayApp.unique("alice"), 1);
        for (int i = 0; i < CLAIM_LIMIT; i++) {
            assertThat(claim(alice, List.of(bob.userId()), false).status()).isEqualTo(200);
        }

        // when
        Response limited = claim(alice, List.of(bob.userId()), false);

        // then
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.problemType()).endsWith("/rate-limited");
        assertThat(limited.raw().headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void shouldRejectMalformedClaims() {
        // given
        Device alice = app.register(GatewayApp.unique("alice"), 1);

        // when
        Response empty = claim(alice, List.of(), false);
        Response badUser = claim(alice, List.of("not a user"), false);

        // then
        assertThat(empty.status()).isEqualTo(400);
        assertThat(badUser.status()).isEqualTo(400);
    }
}
