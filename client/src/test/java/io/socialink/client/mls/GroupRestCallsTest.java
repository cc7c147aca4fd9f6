package io.socialink.client.mls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.socialink.client.api.GroupMembersAdded;
import io.socialink.client.api.GroupSendResult;
import io.socialink.client.api.KeyPackageClaim;
import io.socialink.client.api.ProblemException;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.auth.PlatformTokens;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The KeyPackage and group REST calls of {@link SocialinkClient}: paths, methods and JSON shapes of docs/groups.md. */
class GroupRestCallsTest {

    private record Call(String method, String path, String body) {}

    private record Answer(int status, String contentType, String body) {}

    private final JsonMapper json = JsonMapper.builder().build();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final DeviceCredentials alice = new DeviceCredentials("alice", 1, "secret", 7);
    private HttpServer server;
    private SocialinkClient client;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String key =
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            calls.add(new Call(
                    exchange.getRequestMethod(), exchange.getRequestURI().getPath(), body));
            Answer answer = answers.getOrDefault(key, new Answer(404, "text/plain", "no answer for " + key));
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", answer.contentType());
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
        client = new SocialinkClient(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                SocialinkClient.defaultHttpClient(),
                new PlatformTokens(PlatformTokens.DEFAULT_SECRET),
                Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void shouldUploadCountAndClaimKeyPackages() throws Exception {
        // given
        answers.put("PUT /api/v1/keypackages", new Answer(204, "application/json", ""));
        answers.put(
                "GET /api/v1/keypackages/count",
                new Answer(200, "application/json", "{\"count\": 12, \"lastResort\": true}"));
        answers.put(
                "POST /api/v1/keypackages/claim",
                new Answer(
                        200,
                        "application/json",
                        "{\"keyPackages\": [{\"userId\": \"bob\", \"deviceId\": 2, \"keyPackage\": \"AQID\", "
                                + "\"lastResort\": true}], \"missing\": [{\"userId\": \"bob\", \"deviceId\": 3}]}"));

        // when
        client.uploadKeyPackages(alice, List.of(new byte[] {1}, new byte[] {2}), new byte[] {3});
        var count = client.keyPackageCount(alice);
        KeyPackageClaim claim = client.claimKeyPackages(alice, List.of("bob"), true);

        // then
        JsonNode upload = json.readTree(calls.get(0).body());
        assertThat(upload.get("keyPackages")).extracting(JsonNode::asString).containsExactly("AQ==", "Ag==");
        assertThat(upload.get("lastResort").asString()).isEqualTo("Aw==");
        assertThat(count.count()).isEqualTo(12);
        assertThat(count.lastResort()).isTrue();
        JsonNode claimBody = json.readTree(calls.get(2).body());
        assertThat(claimBody.get("users")).extracting(JsonNode::asString).containsExactly("bob");
        assertThat(claimBody.get("skipOwnDevices").asBoolean()).isTrue();
        assertThat(claim.keyPackages()).singleElement().satisfies(claimed -> {
            assertThat(claimed.address()).isEqualTo("bob.2");
            assertThat(claimed.keyPackage()).containsExactly(1, 2, 3);
            assertThat(claimed.lastResort()).isTrue();
        });
        assertThat(claim.missing()).singleElement().satisfies(missing -> assertThat(missing.address())
                .isEqualTo("bob.3"));
    }

    @Test
    void shouldCallTheGroupEndpointsWithTheContractsPathsAndBodies() throws Exception {
        // given
        String group = "dGVhbQ";
        answers.put(
                "POST /api/v1/groups/create/alice",
                new Answer(201, "application/json", "{\"groupId\": \"dGVhbQ\", \"epoch\": 0}"));
        answers.put(
                "POST /api/v1/groups/dGVhbQ/members/alice",
                new Answer(
                        200,
                        "application/json",
                        "{\"epoch\": 1, \"added\": [{\"userId\": \"bob\", \"deviceId\": 1}]}"));
        answers.put(
                "DELETE /api/v1/groups/dGVhbQ/members/bob/alice",
                new Answer(200, "application/json", "{\"epoch\": 2}"));
        answers.put("POST /api/v1/groups/dGVhbQ/commit/alice", new Answer(200, "application/json", "{\"epoch\": 3}"));
        answers.put(
                "POST /api/v1/groups/dGVhbQ/send/alice",
                new Answer(
                        201,
                        "application/json",
                        "{\"messageId\": \"7b0a2c36-3f7e-4a52-9b7e-0c0f1d1e2f30\", \"epoch\": 3, \"recipientDevices\": 4}"));
        answers.put(
                "DELETE /api/v1/groups/dGVhbQ/members/alice/alice",
                new Answer(200, "application/json", "{\"epoch\": 3}"));

        // when
        long created = client.createGroup(alice, group, 1);
        GroupMembersAdded added =
                client.addGroupMembers(alice, group, 0, new byte[] {1}, new byte[] {2}, new byte[] {3});
        long removed = client.removeGroupMember(alice, group, "bob", 1, new byte[] {4}, new byte[] {5});
        long updated = client.commitGroup(alice, group, 2, new byte[] {6}, new byte[] {7});
        GroupSendResult sent = client.sendGroupMessage(alice, group, new byte[] {8}, "key-1", null);
        long left = client.leaveGroup(alice, group);

        // then
        assertThat(List.of(created, added.epoch(), removed, updated, sent.epoch(), left))
                .containsExactly(0L, 1L, 2L, 3L, 3L, 3L);
        assertThat(added.added()).singleElement().satisfies(device -> assertThat(device.address())
                .isEqualTo("bob.1"));
        assertThat(sent.recipientDevices()).isEqualTo(4);
        JsonNode create = json.readTree(calls.get(0).body());
        assertThat(create.get("groupId").asString()).isEqualTo(group);
        assertThat(create.get("cipherSuite").asInt()).isEqualTo(1);
        JsonNode add = json.readTree(calls.get(1).body());
        assertThat(add.get("epoch").asLong()).isZero();
        assertThat(add.get("commit").asString()).isEqualTo("AQ==");
        assertThat(add.get("welcome").asString()).isEqualTo("Ag==");
        assertThat(add.get("groupInfo").asString()).isEqualTo("Aw==");
        JsonNode remove = json.readTree(calls.get(2).body());
        assertThat(remove.get("epoch").asLong()).isEqualTo(1);
        assertThat(remove.has("welcome")).isFalse();
        JsonNode send = json.readTree(calls.get(4).body());
        assertThat(send.get("message").asString()).isEqualTo("CA==");
        assertThat(send.get("idempotencyKey").asString()).isEqualTo("key-1");
        assertThat(calls.get(5).body()).isEmpty();
    }

    @Test
    void shouldCarryTheCurrentEpochOfAStaleEpochProblem() {
        // given
        answers.put(
                "POST /api/v1/groups/dGVhbQ/commit/alice",
                new Answer(
                        409,
                        "application/problem+json",
                        "{\"type\": \"https://socialink.io/problems/stale-epoch\", \"title\": \"Stale epoch\", "
                                + "\"status\": 409, \"epoch\": 5}"));

        // when / then
        assertThatThrownBy(() -> client.commitGroup(alice, "dGVhbQ", 3, new byte[] {1}, new byte[] {2}))
                .isInstanceOfSatisfying(ProblemException.class, problem -> {
                    assertThat(problem.isStaleEpoch()).isTrue();
                    assertThat(problem.epoch()).hasValue(5);
                });
    }
}
