package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.gateway.it.OpenApiDocument.Operation;
import io.socialink.gateway.keys.TestKeys;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The authorization matrix of every operation in the OpenAPI document, against the real gateway: each one is called
 * without credentials and with bad ones (401 {@code unauthorized}), and each one that acts for a user or device is
 * called by another user's device on the victim's real resources and must be refused as docs/architecture.md and
 * docs/groups.md specify (403 {@code forbidden}; 403 {@code not-a-member} for group reads; 404
 * {@code unknown-message} where the API hides another user's message), leaving every row the gateway keeps about the
 * victim as it was. The operations come from the document: one without an entry in {@link #MATRIX} fails the build.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuthorizationMatrixIT {

    private static final String PROBLEMS = "https://socialink.io/problems/";

    /** What another user's (or device's) call must meet. */
    enum Access {
        /** The path names the acting user: any other user is refused with 403 {@code forbidden}. */
        ACTING_USER,
        /** The path names the acting device: other users and the user's other devices get 403 {@code forbidden}. */
        ACTING_DEVICE,
        /** Like ACTING_USER, and the caller's own path with another user's message is 404 {@code unknown-message}. */
        OWN_MESSAGES,
        /** Members only: a caller whose user is no member gets 403 {@code not-a-member}. */
        GROUP_MEMBERS,
        /** A 1:1 conversation's two users only: anyone else gets 403 {@code forbidden} (the victim's with carol). */
        CONVERSATION_USERS,
        /** Any device may read it by design (a sender needs its recipient's devices and keys): no refusal. */
        DIRECTORY,
        /** No id in the request: it acts on the caller's own device only, so there is nothing to cross. */
        CALLER_ONLY,
        /** Needs no credentials. */
        PUBLIC
    }

    /** How to call one operation as the attacker on the victim's resources. */
    record Entry(Access access, String query, Function<CrossUserWorld, String> body) {

        static Entry of(Access access) {
            return new Entry(access, "", world -> null);
        }

        static Entry of(Access access, Function<CrossUserWorld, String> body) {
            return new Entry(access, "", body);
        }

        static Entry of(Access access, String query) {
            return new Entry(access, query, world -> null);
        }
    }

    static final Map<String, Entry> MATRIX = matrix();

    private static Map<String, Entry> matrix() {
        Map<String, Entry> m = new LinkedHashMap<>();
        m.put(
                "POST /api/v1/keys/register/{userId}",
                Entry.of(Access.ACTING_USER, world -> GatewayApp.registrationBody(4242)));
        m.put("GET /api/v1/keys/devices/{userId}", Entry.of(Access.DIRECTORY));
        m.put("GET /api/v1/keys/bundle/{userId}", Entry.of(Access.DIRECTORY));
        m.put(
                "PUT /api/v1/keys/rotate/{userId}/{deviceId}",
                Entry.of(
                        Access.ACTING_DEVICE,
                        world -> json(Map.of("signedPreKey", TestKeys.generate().signedPreKey(77)))));
        m.put(
                "POST /api/v1/keys/prekeys/{userId}/{deviceId}",
                Entry.of(
                        Access.ACTING_DEVICE,
                        world -> json(Map.of("preKeys", TestKeys.generate().oneTimePreKeys(900, 2)))));
        m.put("DELETE /api/v1/keys/deactivate/{userId}/{deviceId}", Entry.of(Access.ACTING_USER));
        m.put("GET /api/v1/keys/stats/{userId}/{deviceId}", Entry.of(Access.ACTING_USER));
        m.put(
                "POST /api/v1/messages/send/{senderId}",
                Entry.of(
                        Access.ACTING_USER,
                        world -> "{\"destination\":\"" + world.carol.userId()
                                + "\",\"idempotencyKey\":\"forged\",\"messages\":[" + copy(world.carol) + ","
                                + copy(world.victimSibling) + "]}"));
        m.put("PUT /api/v1/messages/delivered/{userId}/{messageId}", Entry.of(Access.OWN_MESSAGES));
        m.put("PUT /api/v1/messages/read/{userId}/{messageId}", Entry.of(Access.OWN_MESSAGES));
        m.put(
                "GET /api/v1/messages/conversation/{userId}",
                new Entry(Access.ACTING_USER, "?with=CAROL", world -> null));
        m.put("DELETE /api/v1/messages/delete/{userId}/{messageId}", Entry.of(Access.OWN_MESSAGES, "?for=me"));
        m.put("GET /api/v1/messages/queue/{userId}/{deviceId}", Entry.of(Access.ACTING_DEVICE));
        m.put(
                "DELETE /api/v1/messages/queue/{userId}/{deviceId}",
                Entry.of(Access.ACTING_DEVICE, world -> json(Map.of("messageIds", List.of(world.victimMessageId)))));
        m.put("GET /api/v1/settings/{userId}", Entry.of(Access.ACTING_USER));
        m.put("PUT /api/v1/settings/{userId}", Entry.of(Access.ACTING_USER, world -> "{\"readReceipts\":false}"));
        m.put("PUT /api/v1/keypackages", Entry.of(Access.CALLER_ONLY, world -> "{\"keyPackages\":[]}"));
        m.put("GET /api/v1/keypackages/count", Entry.of(Access.CALLER_ONLY));
        m.put(
                "POST /api/v1/keypackages/claim",
                Entry.of(Access.DIRECTORY, world -> json(Map.of("users", List.of(world.victim.userId())))));
        m.put(
                "POST /api/v1/groups/create/{creatorId}",
                Entry.of(
                        Access.ACTING_USER,
                        world -> "{\"groupId\":\""
                                + UUID.randomUUID().toString().replace("-", "") + "\",\"cipherSuite\":1}"));
        m.put(
                "POST /api/v1/groups/{groupId}/members/{addedBy}",
                Entry.of(Access.ACTING_USER, world -> "{\"epoch\":0,\"commit\":\"AAAA\",\"welcome\":\"AAAA\"}"));
        m.put("DELETE /api/v1/groups/{groupId}/members/{userId}/{removedBy}", Entry.of(Access.ACTING_USER));
        m.put(
                "POST /api/v1/groups/{groupId}/commit/{committerId}",
                Entry.of(Access.ACTING_USER, world -> "{\"epoch\":0,\"commit\":\"AAAA\"}"));
        m.put(
                "POST /api/v1/groups/{groupId}/send/{senderId}",
                Entry.of(Access.ACTING_USER, world -> "{\"message\":\"AAAA\"}"));
        m.put("GET /api/v1/groups/{groupId}", Entry.of(Access.GROUP_MEMBERS));
        m.put("GET /api/v1/groups/{groupId}/members", Entry.of(Access.GROUP_MEMBERS));
        m.put("PUT /api/v1/presence/online/{userId}", Entry.of(Access.ACTING_USER));
        m.put("PUT /api/v1/presence/offline/{userId}", Entry.of(Access.ACTING_USER));
        m.put(
                "PUT /api/v1/presence/status/{userId}",
                Entry.of(Access.ACTING_USER, world -> "{\"status\":\"invisible\"}"));
        m.put("GET /api/v1/presence/online-count", Entry.of(Access.DIRECTORY));
        m.put("GET /api/v1/presence/{userId}", Entry.of(Access.DIRECTORY));
        m.put(
                "POST /api/v1/presence/bulk",
                Entry.of(Access.DIRECTORY, world -> json(Map.of("userIds", List.of(world.victim.userId())))));
        m.put("PUT /api/v1/typing/{conversationId}/{userId}", Entry.of(Access.ACTING_USER));
        m.put("DELETE /api/v1/typing/{conversationId}/{userId}", Entry.of(Access.ACTING_USER));
        m.put("GET /api/v1/typing/{conversationId}", Entry.of(Access.GROUP_MEMBERS));
        m.put(
                "POST /api/v1/calls/initiate/{callerId}",
                Entry.of(
                        Access.ACTING_USER,
                        world -> "{\"calleeUserId\":\"" + world.carol.userId()
                                + "\",\"media\":\"audio\",\"offers\":[{\"deviceId\":" + world.carol.deviceId()
                                + ",\"registrationId\":" + world.carol.registrationId()
                                + ",\"type\":3,\"content\":\"AAAA\"}]}"));
        m.put(
                "PUT /api/v1/calls/{callId}/answer/{userId}",
                Entry.of(Access.ACTING_USER, world -> "{\"answer\":{\"type\":3,\"content\":\"AAAA\"}}"));
        m.put("PUT /api/v1/calls/{callId}/decline/{userId}", Entry.of(Access.ACTING_USER));
        m.put("PUT /api/v1/calls/{callId}/end/{userId}", Entry.of(Access.ACTING_USER));
        m.put(
                "POST /api/v1/calls/{callId}/ice/{userId}",
                Entry.of(Access.ACTING_USER, world -> "{\"candidates\":[{\"type\":3,\"content\":\"AAAA\"}]}"));
        // the candidates addressed to the calling device: whether it is one of the call's two devices is
        // call-signaling's verdict (403 not-in-call, CallEndpointsIT); the gateway names no other device's
        m.put("GET /api/v1/calls/{callId}/ice", Entry.of(Access.CALLER_ONLY));
        m.put("GET /api/v1/calls/history/{conversationId}", Entry.of(Access.CONVERSATION_USERS));
        m.put("GET /api/v1/calls/turn", Entry.of(Access.CALLER_ONLY));
        m.put("GET /api/v1/openapi.yaml", Entry.of(Access.PUBLIC));
        return Map.copyOf(m);
    }

    /** Path parameters that name the user a call acts for. */
    private static final Set<String> USER_PARAMETERS =
            Set.of("userId", "senderId", "creatorId", "addedBy", "committerId", "removedBy", "callerId");

    private static final OpenApiDocument API = OpenApiDocument.load();

    private static GatewayApp app;
    private static KafkaTestEnv kafka;
    private static Connection database;
    private static CrossUserWorld world;

    @BeforeAll
    static void start(KafkaTestEnv kafkaEnv, PostgresTestEnv postgres, RedisTestEnv redis) {
        kafka = kafkaEnv;
        app = GatewayApp.start(kafka, postgres, redis, Map.of("socialink.gateway.groups.reply-timeout", "2s"));
        database = VictimState.connect(postgres);
        world = CrossUserWorld.create(app, kafka);
    }

    @AfterAll
    static void stop() throws SQLException {
        if (database != null) {
            database.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    @Order(1)
    void shouldClassifyEveryOperationOfTheOpenApiDocument() {
        // given
        List<String> documented = API.operations().stream().map(Operation::key).toList();

        // when
        List<String> unclassified =
                documented.stream().filter(key -> !MATRIX.containsKey(key)).toList();
        List<String> stale = MATRIX.keySet().stream()
                .filter(key -> !documented.contains(key))
                .toList();

        // then
        assertThat(unclassified)
                .as("operations without an authorization matrix entry")
                .isEmpty();
        assertThat(stale)
                .as("matrix entries of operations the document no longer has")
                .isEmpty();
    }

    @TestFactory
    @Order(2)
    Stream<DynamicTest> shouldAnswerUnauthorizedWithoutOrWithBadCredentials() {
        return API.operations().stream()
                .filter(operation -> MATRIX.containsKey(operation.key()))
                .map(operation -> DynamicTest.dynamicTest(operation.key(), () -> {
                    Entry entry = MATRIX.get(operation.key());
                    String path = path(operation, world.attacker.userId(), world.attacker.deviceId()) + query(entry);
                    String body = entry.body().apply(world);
                    if (entry.access() == Access.PUBLIC) {
                        assertThat(call(operation, path, null, body).status()).isEqualTo(200);
                        return;
                    }
                    String wrong = operation.security().equals("platformJwt")
                            ? "Bearer "
                                    + GatewayApp.platformToken(
                                            world.attacker.userId(),
                                            "another-secret-of-at-least-32-bytes-0123456789",
                                            java.time.Duration.ofMinutes(5))
                            : GatewayApp.basic(world.attacker.userId(), world.attacker.deviceId(), "not-the-secret");
                    for (String authorization : new String[] {null, wrong}) {
                        VictimState before = victimState();
                        Response response = call(operation, path, authorization, body);
                        assertProblem(response, 401, "unauthorized");
                        assertThat(victimState())
                                .as("victim state after " + operation)
                                .isEqualTo(before);
                    }
                }));
    }

    @TestFactory
    @Order(3)
    Stream<DynamicTest> shouldRefuseAnotherUsersCalls() {
        return API.operations().stream()
                .filter(operation -> MATRIX.containsKey(operation.key()))
                .map(operation -> DynamicTest.dynamicTest(operation.key(), () -> {
                    Entry entry = MATRIX.get(operation.key());
                    String body = entry.body().apply(world);
                    String victimPath = path(operation, world.victim.userId(), world.victim.deviceId()) + query(entry);
                    String attackerPath =
                            path(operation, world.attacker.userId(), world.attacker.deviceId()) + query(entry);
                    switch (entry.access()) {
                        case ACTING_USER -> refused(operation, victimPath, world.attacker, body, 403, "forbidden");
                        case ACTING_DEVICE -> {
                            refused(operation, victimPath, world.attacker, body, 403, "forbidden");
                            refused(operation, victimPath, world.victimSibling, body, 403, "forbidden");
                        }
                        case OWN_MESSAGES -> {
                            refused(operation, victimPath, world.attacker, body, 403, "forbidden");
                            refused(operation, attackerPath, world.attacker, body, 404, "unknown-message");
                        }
                        case GROUP_MEMBERS ->
                            refused(operation, attackerPath, world.attacker, body, 403, "not-a-member");
                        case CONVERSATION_USERS ->
                            refused(
                                    operation,
                                    operation
                                                    .path()
                                                    .replace(
                                                            "{conversationId}",
                                                            io.socialink.gateway.typing.Conversations.oneToOne(
                                                                    world.victim.userId(), world.carol.userId()))
                                            + query(entry),
                                    world.attacker,
                                    body,
                                    403,
                                    "forbidden");
                        case DIRECTORY, CALLER_ONLY, PUBLIC ->
                            assertThat(entry.access())
                                    .as("%s is open to every device by design", operation)
                                    .isNotNull();
                        default -> throw new IllegalStateException("unhandled " + entry.access());
                    }
                }));
    }

    /** The WebSocket is no OpenAPI operation: the upgrade is checked here, with the same rules as the device paths. */
    @Test
    @Order(3)
    void shouldRefuseTheUpgradeToAnotherDevicesSocket() {
        // given
        String path = "/ws/" + world.victim.userId() + "/" + world.victim.deviceId();
        VictimState before = victimState();

        // when
        RawRequest.Reply anonymous = upgrade(path, null);
        RawRequest.Reply attacker = upgrade(path, world.attacker.authorization());
        RawRequest.Reply sibling = upgrade(path, world.victimSibling.authorization());

        // then
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(attacker.status()).as(attacker.text()).isEqualTo(403);
        assertThat(sibling.status()).as(sibling.text()).isEqualTo(403);
        for (RawRequest.Reply reply : List.of(anonymous, attacker, sibling)) {
            assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
        }
        assertThat(victimState()).isEqualTo(before);
    }

    private static RawRequest.Reply upgrade(String path, String authorization) {
        List<String> headers = new java.util.ArrayList<>(List.of(
                "Upgrade: websocket",
                "Connection: Upgrade",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Version: 13"));
        if (authorization != null) {
            headers.add("Authorization: " + authorization);
        }
        return RawRequest.exchange(
                app.port, "GET", path.getBytes(java.nio.charset.StandardCharsets.UTF_8), headers, null);
    }

    @Test
    @Order(4)
    void shouldLeaveNoRecordInTheVictimsNameOnKafka() {
        // given: the refused calls of the tests before this one

        // when
        long records = VictimState.kafkaRecordsOf(kafka, world.victim.userId(), Set.of(world.victimGroupId));

        // then
        assertThat(records)
                .as("acks, connection events and group commands in the victim's name")
                .isZero();
    }

    /** The snapshot the refusals are compared with does see a change: the victim's own. */
    @Test
    @Order(5)
    void shouldSeeTheVictimsOwnChangeInItsState() {
        // given
        VictimState before = victimState();

        // when
        Response own = app.put(
                "/api/v1/settings/" + world.victim.userId(), world.victim.authorization(), "{\"readReceipts\":false}");

        // then
        assertThat(own.status()).isEqualTo(200);
        assertThat(victimState()).isNotEqualTo(before);
    }

    private static void refused(Operation operation, String path, Device caller, String body, int status, String type) {
        VictimState before = victimState();
        String authorization = operation.security().equals("platformJwt")
                ? "Bearer " + GatewayApp.platformToken(caller.userId())
                : caller.authorization();
        Response response = call(operation, path, authorization, body);
        assertProblem(response, status, type);
        assertThat(victimState())
                .as("victim state after %s %s by %s", operation.method(), path, caller.address())
                .isEqualTo(before);
    }

    private static void assertProblem(Response response, int status, String type) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.problemType()).isEqualTo(PROBLEMS + type);
    }

    private static VictimState victimState() {
        return VictimState.of(database, world.victim.userId());
    }

    /** The operation's path with its parameters naming {@code userId}'s resources, the victim's message and group. */
    static String path(Operation operation, String userId, int deviceId) {
        Map<String, String> values = new HashMap<>();
        for (OpenApiDocument.Parameter parameter : operation.pathParameters()) {
            String name = parameter.name();
            String value;
            if (USER_PARAMETERS.contains(name)) {
                value = userId;
            } else if (name.equals("deviceId")) {
                value = Integer.toString(deviceId);
            } else if (name.equals("messageId")) {
                value = world.victimMessageId;
            } else if (name.equals("groupId") || name.equals("conversationId")) {
                value = world.victimGroupId;
            } else if (name.equals("callId")) {
                // no call-signaling here: any call id; the refusals these tests expect come before it
                value = java.util.UUID.randomUUID().toString();
            } else {
                throw new IllegalStateException("the matrix cannot fill path parameter '" + name + "' of " + operation
                        + ": add it to AuthorizationMatrixIT.path");
            }
            values.put(name, value);
        }
        String path = operation.path();
        for (Map.Entry<String, String> value : values.entrySet()) {
            path = path.replace("{" + value.getKey() + "}", value.getValue());
        }
        return path;
    }

    private static String query(Entry entry) {
        return entry.query().replace("CAROL", world.carol.userId());
    }

    private static Response call(Operation operation, String path, String authorization, String body) {
        HttpRequest.Builder request = app.request(path, authorization);
        HttpRequest.BodyPublisher publisher =
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return app.send(request.method(operation.method(), publisher));
    }

    private static String copy(Device device) {
        return "{\"userId\":\"" + device.userId() + "\",\"deviceId\":" + device.deviceId() + ",\"registrationId\":"
                + device.registrationId() + ",\"type\":3,\"content\":\"AAAA\"}";
    }

    private static String json(Object value) {
        return GatewayApp.JSON.writeValueAsString(value);
    }
}
