package io.socialink.client.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.auth.PlatformTokens;
import io.socialink.client.keys.DeviceKeyMaterial;
import io.socialink.client.keys.RegistrationKeys;
import io.socialink.client.testing.FakeGateway;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SocialinkClientTest {

    private FakeGateway gateway;
    private SocialinkClient client;

    @BeforeEach
    void startGateway() throws Exception {
        gateway = new FakeGateway();
        client = new SocialinkClient(
                gateway.url(),
                SocialinkClient.defaultHttpClient(),
                new PlatformTokens(PlatformTokens.DEFAULT_SECRET),
                Duration.ofSeconds(5));
    }

    @AfterEach
    void stopGateway() {
        gateway.close();
    }

    @Test
    void shouldRegisterWithPlatformTokenAndTheContractsKeyBody() {
        // given
        DeviceKeyMaterial keys = DeviceKeyMaterial.generate(2);
        RegistrationKeys publicKeys = keys.publicKeys();

        // when
        DeviceCredentials credentials = client.register("alice", publicKeys);

        // then
        assertThat(credentials.userId()).isEqualTo("alice");
        assertThat(credentials.deviceId()).isEqualTo(1);
        assertThat(credentials.deviceSecret()).isEqualTo("secret-alice-1");
        assertThat(credentials.registrationId()).isEqualTo(keys.registrationId());
        FakeGateway.Request request = gateway.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/api/v1/keys/register/alice");
        assertThat(request.authorization()).startsWith("Bearer ey");
        JsonNode body = JsonMapper.builder().build().readTree(request.body());
        assertThat(body.path("registrationId").asInt()).isEqualTo(keys.registrationId());
        assertThat(body.path("identityKey").asString()).isEqualTo(base64(publicKeys.identityKey()));
        assertThat(body.path("signedPreKey").path("keyId").asInt())
                .isEqualTo(publicKeys.signedPreKey().keyId());
        assertThat(body.path("signedPreKey").path("signature").asString())
                .isEqualTo(base64(publicKeys.signedPreKey().signature()));
        assertThat(body.path("pqLastResortPreKey").path("publicKey").asString())
                .isEqualTo(base64(publicKeys.pqLastResortPreKey().publicKey()));
        assertThat(body.path("preKeys")).hasSize(2);
        assertThat(body.path("preKeys").get(0).has("signature")).isFalse();
        assertThat(body.path("pqPreKeys")).hasSize(2);
        assertThat(body.path("pqPreKeys").get(1).path("signature").asString())
                .isEqualTo(base64(publicKeys.pqPreKeys().get(1).signature()));
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void shouldListDevicesWithBasicCredentials() {
        // given
        DeviceCredentials alice = client.register("alice");
        gateway.addDevice("bob", 11);
        gateway.addDevice("bob", 12);

        // when
        DeviceList devices = client.devices(alice, "bob");

        // then
        assertThat(devices.userId()).isEqualTo("bob");
        assertThat(devices.devices())
                .extracting(DeviceInfo::deviceId, DeviceInfo::registrationId, DeviceInfo::createdAt)
                .containsExactly(
                        tuple(1, 11, Instant.parse("2025-01-02T03:04:05Z")),
                        tuple(2, 12, Instant.parse("2025-01-02T03:04:05Z")));
        assertThat(gateway.requests("GET", "/api/v1/keys/devices/bob").get(0).authorization())
                .isEqualTo(alice.basicAuthorization());
    }

    @Test
    void shouldTurnProblemResponsesIntoTypedExceptions() {
        // given
        DeviceCredentials alice = client.register("alice");

        // when / then
        assertThatThrownBy(() -> client.devices(alice, "nobody"))
                .isInstanceOfSatisfying(ProblemException.class, problem -> {
                    assertThat(problem.status()).isEqualTo(404);
                    assertThat(problem.name()).isEqualTo("unknown-user");
                    assertThat(problem.title()).isEqualTo("Unknown user");
                    assertThat(problem.detail()).isEqualTo("nobody has no active device");
                });
    }

    @Test
    void shouldParseMismatchesOfA409() {
        // given
        DeviceCredentials alice = client.register("alice");
        gateway.addDevice("bob", 21);
        gateway.addDevice("bob", 22);
        List<OutgoingCopy> onlyFirstDevice = List.of(
                new OutgoingCopy("bob", 1, 21, 3, new byte[] {1}), new OutgoingCopy("bob", 7, 77, 3, new byte[] {1}));

        // when / then
        assertThatThrownBy(() -> client.send(alice, "bob", "key-1", onlyFirstDevice))
                .isInstanceOfSatisfying(ProblemException.class, problem -> {
                    assertThat(problem.status()).isEqualTo(409);
                    assertThat(problem.isDeviceListOutdated()).isTrue();
                    assertThat(problem.mismatches()).containsExactly(new DeviceMismatch("bob", List.of(2), List.of(7)));
                    assertThat(problem.outdatedUsers()).containsExactly("bob");
                });
    }

    @Test
    void shouldParseStaleDevicesOfA410() {
        // given
        DeviceCredentials alice = client.register("alice");
        gateway.addDevice("bob", 21);

        // when / then
        assertThatThrownBy(() ->
                        client.send(alice, "bob", "key-1", List.of(new OutgoingCopy("bob", 1, 99, 3, new byte[] {1}))))
                .isInstanceOfSatisfying(ProblemException.class, problem -> {
                    assertThat(problem.status()).isEqualTo(410);
                    assertThat(problem.name()).isEqualTo("stale-devices");
                    assertThat(problem.stale()).containsExactly(new StaleDevices("bob", List.of(1)));
                });
    }

    @Test
    void shouldSendOneCopyPerDeviceIncludingOwnOtherDevices() {
        // given
        DeviceCredentials alice = client.register("alice");
        gateway.addDevice("alice", 2);
        gateway.addDevice("bob", 31);
        gateway.addDevice("bob", 32);

        // when
        SendResult result = client.sendToAllDevices(alice, "bob", "key-1", "hi".getBytes(StandardCharsets.UTF_8));

        // then
        assertThat(result.deviceCount()).isEqualTo(3);
        assertThat(result.sentAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(copies(gateway.acceptedSends().get(0))).containsExactlyInAnyOrder("bob.1", "bob.2", "alice.2");
        assertThat(gateway.acceptedSends()
                        .get(0)
                        .path("messages")
                        .get(0)
                        .path("content")
                        .asString())
                .isEqualTo(Base64.getEncoder().encodeToString("hi".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldSendNoteToSelfToOwnOtherDevicesOnly() {
        // given
        DeviceCredentials alice = client.register("alice");
        gateway.addDevice("alice", 2);
        gateway.addDevice("alice", 3);

        // when
        SendResult result = client.sendToAllDevices(alice, "alice", "note".getBytes(StandardCharsets.UTF_8));

        // then
        assertThat(result.deviceCount()).isEqualTo(2);
        assertThat(copies(gateway.acceptedSends().get(0))).containsExactlyInAnyOrder("alice.2", "alice.3");
    }

    @Test
    void shouldRefreshDeviceListsAndRetryWithTheSameKeyOnMismatch() {
        // given
        DeviceCredentials alice = client.register("alice");
        gateway.addDevice("bob", 41);
        gateway.beforeNextSend(() -> {
            gateway.addDevice("bob", 42);
            gateway.addDevice("alice", 2);
        });

        // when
        SendResult result = client.sendToAllDevices(alice, "bob", "key-8", new byte[] {8});

        // then
        List<FakeGateway.Request> sends = gateway.requests("POST", "/api/v1/messages/send/alice");
        assertThat(sends).hasSize(2);
        assertThat(sends).extracting(FakeGateway.Request::body).allMatch(body -> body.contains("\"key-8\""));
        assertThat(copies(gateway.acceptedSends().get(0))).containsExactlyInAnyOrder("bob.1", "bob.2", "alice.2");
        assertThat(result.messageId())
                .isEqualTo(java.util.UUID.nameUUIDFromBytes("alice.1:key-8".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldDropRemovedDevicesOnMismatch() {
        // given
        DeviceCredentials alice = client.register("alice");
        gateway.addDevice("bob", 41);
        gateway.addDevice("bob", 42);
        gateway.beforeNextSend(() -> gateway.removeDevice("bob", 1));

        // when
        SendResult result = client.sendToAllDevices(alice, "bob", new byte[] {8});

        // then
        assertThat(result.deviceCount()).isEqualTo(1);
        assertThat(copies(gateway.acceptedSends().get(0))).containsExactly("bob.2");
    }

    @Test
    void shouldRefreshRegistrationIdsAndRetryOnStaleDevices() {
        // given
        DeviceCredentials alice = client.register("alice");
        gateway.addDevice("bob", 41);
        gateway.beforeNextSend(() -> gateway.reRegister("bob", 1, 4242));

        // when
        client.sendToAllDevices(alice, "bob", "key-9", new byte[] {9});

        // then
        assertThat(gateway.requests("POST", "/api/v1/messages/send/alice")).hasSize(2);
        JsonNode accepted = gateway.acceptedSends().get(0);
        assertThat(accepted.path("idempotencyKey").asString()).isEqualTo("key-9");
        assertThat(accepted.path("messages").get(0).path("registrationId").asInt())
                .isEqualTo(4242);
    }

    @Test
    void shouldGiveUpAfterBoundedAttemptsWhenDevicesKeepChanging() {
        // given
        DeviceCredentials alice = client.register("alice");
        gateway.addDevice("bob", 41);
        gateway.beforeEverySend(() -> gateway.addDevice("bob", 50));

        // when / then
        assertThatThrownBy(() -> client.sendToAllDevices(alice, "bob", new byte[] {1}))
                .isInstanceOfSatisfying(ProblemException.class, problem -> assertThat(problem.name())
                        .isEqualTo("device-mismatch"));
        assertThat(gateway.requests("POST", "/api/v1/messages/send/alice")).hasSize(SocialinkClient.MAX_SEND_ATTEMPTS);
    }

    @Test
    void shouldNotRetryOtherProblems() {
        // given
        DeviceCredentials alice = client.register("alice");

        // when / then
        assertThatThrownBy(() -> client.sendToAllDevices(alice, "nobody", new byte[] {1}))
                .isInstanceOfSatisfying(ProblemException.class, problem -> assertThat(problem.status())
                        .isEqualTo(404));
        assertThat(gateway.requests("POST", "/api/v1/messages/send/alice")).isEmpty();
    }

    @Test
    void shouldBuildTheWebSocketUriOfADevice() {
        // given
        DeviceCredentials bob = new DeviceCredentials("bob", 2, "s", 1);

        // when
        URI plain = new SocialinkClient(URI.create("http://localhost:8080/")).webSocketUri(bob);
        URI tls = new SocialinkClient(URI.create("https://chat.example")).webSocketUri(bob);

        // then
        assertThat(plain).hasToString("ws://localhost:8080/ws/bob/2");
        assertThat(tls).hasToString("wss://chat.example/ws/bob/2");
    }

    private static List<String> copies(JsonNode send) {
        List<String> addresses = new ArrayList<>();
        send.path("messages")
                .forEach(copy -> addresses.add(copy.path("userId").asString() + "."
                        + copy.path("deviceId").asInt()));
        return addresses;
    }
}
