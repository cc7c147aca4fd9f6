package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.gateway.keys.PreKeyBody;
import io.socialink.gateway.keys.PreKeyUploadRequest;
import io.socialink.gateway.keys.RegistrationRequest;
import io.socialink.gateway.keys.RotationRequest;
import io.socialink.gateway.keys.SignedPreKeyBody;
import io.socialink.gateway.keys.TestKeys;
import io.socialink.schemas.avro.ConnectionEvent;
import io.socialink.schemas.avro.ConnectionEventType;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import tools.jackson.databind.JsonNode;

/** The key directory endpoints against the real local services: one test per protocol rule. */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class KeyDirectoryIT {

    private static final int BUNDLE_BURST = 5;
    private static final int UPLOAD_BURST = 3;

    private static GatewayApp app;
    private static KafkaTestEnv kafka;
    private static String jdbcUrl;

    @BeforeAll
    static void start(KafkaTestEnv kafkaEnv, PostgresTestEnv postgres, RedisTestEnv redis) {
        kafka = kafkaEnv;
        jdbcUrl = postgres.jdbcUrl();
        app = GatewayApp.start(kafkaEnv, postgres, redis, Map.of(
                "socialink.gateway.rate-limits.bundles.capacity", BUNDLE_BURST,
                "socialink.gateway.rate-limits.prekey-uploads.capacity", UPLOAD_BURST,
                "socialink.gateway.prekeys.max-stored", 150));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static String json(Object body) {
        return GatewayApp.JSON.writeValueAsString(body);
    }

    private static Response bundle(Device requester, String userId) {
        return app.get("/api/v1/keys/bundle/" + userId, requester.authorization());
    }

    private static Response register(String userId, RegistrationRequest request) {
        return app.post("/api/v1/keys/register/" + userId, "Bearer " + GatewayApp.platformToken(userId),
                json(request));
    }

    private static Response upload(Device device, PreKeyUploadRequest request) {
        return app.post("/api/v1/keys/prekeys/" + device.userId() + "/" + device.deviceId(), device.authorization(),
                json(request));
    }

    private static Response rotate(Device device, RotationRequest request) {
        return app.put("/api/v1/keys/rotate/" + device.userId() + "/" + device.deviceId(), device.authorization(),
                json(request));
    }

    private static Response stats(Device device) {
        return app.get("/api/v1/keys/stats/" + device.userId() + "/" + device.deviceId(), device.authorization());
    }

    private static void assertProblem(Response response, int status, String name) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.problemType()).isEqualTo("https://socialink.io/problems/" + name);
    }

    private static int rows(String table, String userId) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
             PreparedStatement query = connection.prepareStatement(
                     "SELECT count(*) FROM " + table + " WHERE user_id = ?")) {
            query.setString(1, userId);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int storedRows(String userId) {
        return rows("devices", userId) + rows("signed_prekeys", userId) + rows("kyber_last_resort_prekeys", userId)
                + rows("one_time_prekeys", userId) + rows("one_time_kyber_prekeys", userId);
    }

    private static Device requester() {
        return app.register(GatewayApp.unique("requester"), 1);
    }

    private static boolean verifies(String identityKey, JsonNode signedKey) throws Exception {
        ECPublicKey identity = new ECPublicKey(Base64.getDecoder().decode(identityKey));
        return identity.verifySignature(Base64.getDecoder().decode(signedKey.get("publicKey").asString()),
                Base64.getDecoder().decode(signedKey.get("signature").asString()));
    }

    // --- bundles

    @Test
    void shouldHandOutABundlePerDeviceWithKeysSignedByItsIdentityKey() throws Exception {
        // given
        String bob = GatewayApp.unique("bob");
        TestKeys bobKeys1 = TestKeys.generate();
        Device bob1 = app.register(bob, 201, bobKeys1, 20, 20);
        app.register(bob, 202, TestKeys.generate(), 20, 20);

        // when
        Response response = bundle(requester(), bob);

        // then
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("userId").asString()).isEqualTo(bob);
        assertThat(body.get("devices")).hasSize(2);
        JsonNode first = body.get("devices").get(0);
        assertThat(first.get("deviceId").asInt()).isEqualTo(bob1.deviceId());
        assertThat(first.get("registrationId").asInt()).isEqualTo(201);
        assertThat(first.get("identityKey").asString()).isEqualTo(bobKeys1.identityKey());
        assertThat(first.get("signedPreKey").get("keyId").asInt()).isEqualTo(1);
        assertThat(verifies(bobKeys1.identityKey(), first.get("signedPreKey"))).isTrue();
        assertThat(first.get("preKey").get("keyId").asInt()).isEqualTo(1);
        assertThat(Base64.getDecoder().decode(first.get("preKey").get("publicKey").asString())).hasSize(33);
        JsonNode pq = first.get("pqPreKey");
        assertThat(pq.get("keyId").asInt()).isEqualTo(2);
        assertThat(pq.get("lastResort").asBoolean()).isFalse();
        assertThat(Base64.getDecoder().decode(pq.get("publicKey").asString())).hasSize(1569);
        assertThat(verifies(bobKeys1.identityKey(), pq)).isTrue();
        assertThat(body.get("devices").get(1).get("registrationId").asInt()).isEqualTo(202);
    }

    @Test
    void shouldHandOutEachOneTimePreKeyOnlyOnce() {
        // given
        Device bob = app.register(GatewayApp.unique("bob"), 1, TestKeys.generate(), 20, 20);
        Device alice = requester();

        // when
        Set<Integer> ecIds = new HashSet<>();
        Set<Integer> pqIds = new HashSet<>();
        for (int i = 0; i < BUNDLE_BURST; i++) {
            JsonNode device = bundle(alice, bob.userId()).json().get("devices").get(0);
            ecIds.add(device.get("preKey").get("keyId").asInt());
            pqIds.add(device.get("pqPreKey").get("keyId").asInt());
        }

        // then
        assertThat(ecIds).hasSize(BUNDLE_BURST);
        assertThat(pqIds).hasSize(BUNDLE_BURST);
        assertThat(rows("one_time_prekeys", bob.userId())).isEqualTo(20 - BUNDLE_BURST);
    }

    @Test
    void shouldFallBackToNoEcPreKeyAndTheKyberLastResortWhenExhausted() {
        // given
        Device bob = app.register(GatewayApp.unique("bob"), 1, TestKeys.generate(), 1, 1);
        Device alice = requester();
        bundle(alice, bob.userId());

        // when
        Response exhausted = bundle(alice, bob.userId());
        Response again = bundle(alice, bob.userId());

        // then
        for (Response response : List.of(exhausted, again)) {
            JsonNode device = response.json().get("devices").get(0);
            assertThat(device.get("preKey").isNull()).as(response.body()).isTrue();
            assertThat(device.get("pqPreKey").get("keyId").asInt()).isEqualTo(1);
            assertThat(device.get("pqPreKey").get("lastResort").asBoolean()).isTrue();
        }
    }

    @Test
    void shouldFetchOneDeviceAndAnswer404ForUnknownUsersAndDevices() {
        // given
        String bob = GatewayApp.unique("bob");
        app.register(bob, 1);
        Device bob2 = app.register(bob, 2);
        Device alice = requester();

        // when
        Response one = app.get("/api/v1/keys/bundle/" + bob + "?deviceId=2", alice.authorization());
        Response unknownDevice = app.get("/api/v1/keys/bundle/" + bob + "?deviceId=9", alice.authorization());
        Response unknownUser = bundle(alice, GatewayApp.unique("nobody"));
        Response badDevice = app.get("/api/v1/keys/bundle/" + bob + "?deviceId=x", alice.authorization());

        // then
        assertThat(one.json().get("devices")).hasSize(1);
        assertThat(one.json().get("devices").get(0).get("deviceId").asInt()).isEqualTo(bob2.deviceId());
        assertProblem(unknownDevice, 404, "unknown-device");
        assertProblem(unknownUser, 404, "unknown-user");
        assertProblem(badDevice, 400, "bad-request");
    }

    @Test
    void shouldRateLimitBundleFetchesPerRequesterDeviceAndTargetUserWithRetryAfter() {
        // given
        Device bob = app.register(GatewayApp.unique("bob"), 1);
        Device carol = app.register(GatewayApp.unique("carol"), 1);
        Device alice = requester();
        for (int i = 0; i < BUNDLE_BURST; i++) {
            assertThat(bundle(alice, bob.userId()).status()).isEqualTo(200);
        }
        int ecBefore = rows("one_time_prekeys", bob.userId());

        // when
        Response limited = bundle(alice, bob.userId());
        Response otherTarget = bundle(alice, carol.userId());
        Response otherRequester = bundle(requester(), bob.userId());

        // then
        assertProblem(limited, 429, "rate-limited");
        assertThat(limited.raw().headers().firstValue("Retry-After").map(Long::parseLong)).get()
                .satisfies(seconds -> assertThat(seconds).isBetween(1L, 3600L));
        assertThat(otherTarget.status()).isEqualTo(200);
        assertThat(otherRequester.status()).isEqualTo(200);
        assertThat(rows("one_time_prekeys", bob.userId())).isEqualTo(ecBefore - 1);
    }

    @Test
    void shouldProduceALowPreKeysEventWhenAClaimLeavesTheDeviceLow() {
        // given
        Device bob = app.register(GatewayApp.unique("bob"), 1, TestKeys.generate(), 10, 12);

        // when
        bundle(requester(), bob.userId());
        List<KafkaRecords.Keyed<Delivery>> events = KafkaRecords.await(kafka, Topics.DEVICE_DELIVERIES,
                record -> record.key().equals(bob.address()), 1);

        // then
        assertThat(events).hasSize(1);
        Delivery event = events.get(0).value();
        assertThat(event.getEphemeral()).isTrue();
        assertThat(event.getEvent().getType()).isEqualTo("low-prekeys");
        assertThat(event.getEvent().getAttributes()).containsEntry("ecPreKeys", "9").containsEntry("pqPreKeys", "11");
        assertThat(event.getContent().remaining()).isZero();
        assertThat(event.getRecipientUserId()).isEqualTo(bob.userId());
        assertThat(event.getRecipientDeviceId()).isEqualTo(bob.deviceId());
        assertThat(event.getMessageId()).hasSize(36);
    }

    @Test
    void shouldWriteLowPreKeysToTheSocketRightAfterConnectWhileLow() throws Exception {
        // given
        Device bob = app.register(GatewayApp.unique("bob"), 1, TestKeys.generate(), 3, 0);

        // when
        TestSocket socket = TestSocket.connect(app.http(), app.port, "/ws/" + bob.userId() + "/" + bob.deviceId(),
                bob.authorization());
        JsonNode frame = socket.nextFrame();
        socket.close();

        // then
        assertThat(frame.get("type").asString()).isEqualTo("low-prekeys");
        assertThat(frame.get("ecPreKeys").asString()).isEqualTo("3");
        assertThat(frame.get("pqPreKeys").asString()).isEqualTo("0");
        assertThat(frame.get("messageId").asString()).isNotBlank();
    }

    // --- registration

    @Test
    void shouldRegisterNothingWhenASignatureIsBad() {
        // given
        String user = GatewayApp.unique("forged");
        TestKeys keys = TestKeys.generate();
        RegistrationRequest valid = keys.registration(1, 5, 5);
        List<SignedPreKeyBody> pq = new ArrayList<>(valid.pqPreKeys());
        pq.set(4, TestKeys.signedByAnother(pq.get(4)));

        // when
        Response badSigned = register(user, new RegistrationRequest(1, keys.identityKey(),
                TestKeys.signedByAnother(valid.signedPreKey()), valid.pqLastResortPreKey(), valid.preKeys(),
                valid.pqPreKeys()));
        Response badLastResort = register(user, new RegistrationRequest(1, keys.identityKey(), valid.signedPreKey(),
                TestKeys.signedByAnother(valid.pqLastResortPreKey()), valid.preKeys(), valid.pqPreKeys()));
        Response badOneTime = register(user, new RegistrationRequest(1, keys.identityKey(), valid.signedPreKey(),
                valid.pqLastResortPreKey(), valid.preKeys(), pq));

        // then
        assertProblem(badSigned, 422, "bad-signature");
        assertProblem(badLastResort, 422, "bad-signature");
        assertProblem(badOneTime, 422, "bad-signature");
        assertThat(storedRows(user)).isZero();
    }

    @Test
    void shouldRegisterNothingOnWrongKeyLengthsDuplicatesOrTooManyKeys() {
        // given
        String user = GatewayApp.unique("malformed");
        TestKeys keys = TestKeys.generate();
        RegistrationRequest valid = keys.registration(1, 5, 5);
        List<PreKeyBody> shortKey = new ArrayList<>(valid.preKeys());
        shortKey.set(3, new PreKeyBody(4, Base64.getEncoder().encodeToString(new byte[32])));
        List<PreKeyBody> duplicate = new ArrayList<>(valid.preKeys());
        duplicate.add(keys.oneTimePreKey(2));

        // when
        Response wrongLength = register(user, new RegistrationRequest(1, keys.identityKey(), valid.signedPreKey(),
                valid.pqLastResortPreKey(), shortKey, valid.pqPreKeys()));
        Response duplicateId = register(user, new RegistrationRequest(1, keys.identityKey(), valid.signedPreKey(),
                valid.pqLastResortPreKey(), duplicate, valid.pqPreKeys()));
        Response tooMany = register(user, new RegistrationRequest(1, keys.identityKey(), valid.signedPreKey(),
                valid.pqLastResortPreKey(), keys.oneTimePreKeys(1, 101), valid.pqPreKeys()));

        // then
        assertProblem(wrongLength, 400, "bad-request");
        assertProblem(duplicateId, 409, "duplicate-prekey-id");
        assertProblem(tooMany, 422, "too-many-prekeys");
        assertThat(storedRows(user)).isZero();
    }

    @Test
    void shouldStoreAllKeysOfARegistration() {
        // given
        String user = GatewayApp.unique("complete");

        // when
        Response response = register(user, TestKeys.generate().registration(1, 100, 100));

        // then
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        assertThat(rows("signed_prekeys", user)).isEqualTo(1);
        assertThat(rows("kyber_last_resort_prekeys", user)).isEqualTo(1);
        assertThat(rows("one_time_prekeys", user)).isEqualTo(100);
        assertThat(rows("one_time_kyber_prekeys", user)).isEqualTo(100);
    }
}
