package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

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
        app = GatewayApp.start(
                kafkaEnv,
                postgres,
                redis,
                Map.of(
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
        return app.post("/api/v1/keys/register/" + userId, "Bearer " + GatewayApp.platformToken(userId), json(request));
    }

    private static Response upload(Device device, PreKeyUploadRequest request) {
        return app.post(
                "/api/v1/keys/prekeys/" + device.userId() + "/" + device.deviceId(),
                device.authorization(),
                json(request));
    }

    private static Response rotate(Device device, RotationRequest request) {
        return app.put(
                "/api/v1/keys/rotate/" + device.userId() + "/" + device.deviceId(),
                device.authorization(),
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
                PreparedStatement query =
                        connection.prepareStatement("SELECT count(*) FROM " + table + " WHERE user_id = ?")) {
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
        return rows("devices", userId)
                + rows("signed_prekeys", userId)
                + rows("kyber_last_resort_prekeys", userId)
                + rows("one_time_prekeys", userId)
                + rows("one_time_kyber_prekeys", userId);
    }

    private static Device requester() {
        return app.register(GatewayApp.unique("requester"), 1);
    }

    private static boolean verifies(String identityKey, JsonNode signedKey) throws Exception {
        ECPublicKey identity = new ECPublicKey(Base64.getDecoder().decode(identityKey));
        return identity.verifySignature(
                Base64.getDecoder().decode(signedKey.get("publicKey").asString()),
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
        assertThat(Base64.getDecoder()
                        .decode(first.get("preKey").get("publicKey").asString()))
                .hasSize(33);
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
        assertThat(limited.raw().headers().firstValue("Retry-After").map(Long::parseLong))
                .get()
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
        List<KafkaRecords.Keyed<Delivery>> events = KafkaRecords.await(
                kafka, Topics.DEVICE_DELIVERIES, record -> record.key().equals(bob.address()), 1);

        // then
        assertThat(events).hasSize(1);
        Delivery event = events.get(0).value();
        assertThat(event.getEphemeral()).isTrue();
        assertThat(event.getEvent().getType()).isEqualTo("low-prekeys");
        assertThat(event.getEvent().getAttributes())
                .containsEntry("ecPreKeys", "9")
                .containsEntry("pqPreKeys", "11");
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
        TestSocket socket = TestSocket.connect(
                app.http(), app.port, "/ws/" + bob.userId() + "/" + bob.deviceId(), bob.authorization());
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
        Response badSigned = register(
                user,
                new RegistrationRequest(
                        1,
                        keys.identityKey(),
                        TestKeys.signedByAnother(valid.signedPreKey()),
                        valid.pqLastResortPreKey(),
                        valid.preKeys(),
                        valid.pqPreKeys()));
        Response badLastResort = register(
                user,
                new RegistrationRequest(
                        1,
                        keys.identityKey(),
                        valid.signedPreKey(),
                        TestKeys.signedByAnother(valid.pqLastResortPreKey()),
                        valid.preKeys(),
                        valid.pqPreKeys()));
        Response badOneTime = register(
                user,
                new RegistrationRequest(
                        1, keys.identityKey(), valid.signedPreKey(), valid.pqLastResortPreKey(), valid.preKeys(), pq));

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
        Response wrongLength = register(
                user,
                new RegistrationRequest(
                        1,
                        keys.identityKey(),
                        valid.signedPreKey(),
                        valid.pqLastResortPreKey(),
                        shortKey,
                        valid.pqPreKeys()));
        Response duplicateId = register(
                user,
                new RegistrationRequest(
                        1,
                        keys.identityKey(),
                        valid.signedPreKey(),
                        valid.pqLastResortPreKey(),
                        duplicate,
                        valid.pqPreKeys()));
        Response tooMany = register(
                user,
                new RegistrationRequest(
                        1,
                        keys.identityKey(),
                        valid.signedPreKey(),
                        valid.pqLastResortPreKey(),
                        keys.oneTimePreKeys(1, 101),
                        valid.pqPreKeys()));

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
    // --- rotation

    @Test
    void shouldRotateTheSignedPreKeyAndKyberLastResortAndRetireThePreviousOnes() {
        // given
        TestKeys keys = TestKeys.generate();
        Device bob = app.register(GatewayApp.unique("bob"), 1, keys, 0, 0);
        SignedPreKeyBody signed = keys.signedPreKey(2);
        SignedPreKeyBody lastResort = keys.kyberPreKey(900);

        // when
        Response rotated = rotate(bob, new RotationRequest(signed, lastResort));
        Response again = rotate(bob, new RotationRequest(keys.signedPreKey(3), null));
        JsonNode device =
                bundle(requester(), bob.userId()).json().get("devices").get(0);

        // then
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(204);
        assertThat(again.status()).as(again.body()).isEqualTo(204);
        assertThat(device.get("signedPreKey").get("keyId").asInt()).isEqualTo(3);
        assertThat(device.get("pqPreKey").get("keyId").asInt()).isEqualTo(900);
        assertThat(device.get("pqPreKey").get("publicKey").asString()).isEqualTo(lastResort.publicKey());
        // the current one and the one retired last
        assertThat(rows("signed_prekeys", bob.userId())).isEqualTo(2);
        assertThat(rows("kyber_last_resort_prekeys", bob.userId())).isEqualTo(2);
    }

    @Test
    void shouldRejectARotationNotSignedByTheIdentityKeyAndKeepTheCurrentKeys() {
        // given
        TestKeys keys = TestKeys.generate();
        Device bob = app.register(GatewayApp.unique("bob"), 1, keys, 0, 0);

        // when
        Response badEc = rotate(bob, new RotationRequest(TestKeys.signedByAnother(keys.signedPreKey(2)), null));
        Response badKyber =
                rotate(bob, new RotationRequest(keys.signedPreKey(3), TestKeys.signedByAnother(keys.kyberPreKey(900))));
        Response wrongKind = rotate(bob, new RotationRequest(null, keys.signedPreKey(4)));
        Response empty = rotate(bob, new RotationRequest(null, null));
        Response reusedId = rotate(bob, new RotationRequest(keys.signedPreKey(1), null));
        JsonNode device =
                bundle(requester(), bob.userId()).json().get("devices").get(0);

        // then
        assertProblem(badEc, 422, "bad-signature");
        assertProblem(badKyber, 422, "bad-signature");
        assertProblem(wrongKind, 400, "bad-request");
        assertProblem(empty, 400, "bad-request");
        assertProblem(reusedId, 409, "duplicate-prekey-id");
        assertThat(device.get("signedPreKey").get("keyId").asInt()).isEqualTo(1);
        assertThat(device.get("pqPreKey").get("keyId").asInt()).isEqualTo(1);
        assertThat(rows("signed_prekeys", bob.userId())).isEqualTo(1);
        assertThat(rows("kyber_last_resort_prekeys", bob.userId())).isEqualTo(1);
    }

    // --- uploads and stats

    @Test
    void shouldUploadOneTimePreKeysAndAnswerStats() {
        // given
        TestKeys keys = TestKeys.generate();
        Device bob = app.register(GatewayApp.unique("bob"), 1, keys, 5, 5);

        // when
        Response uploaded =
                upload(bob, new PreKeyUploadRequest(keys.oneTimePreKeys(100, 10), keys.kyberPreKeys(100, 20)));
        Response stats = stats(bob);

        // then
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(200);
        assertThat(uploaded.json().get("ecPreKeys").asInt()).isEqualTo(15);
        assertThat(uploaded.json().get("pqPreKeys").asInt()).isEqualTo(25);
        assertThat(stats.json().get("ecPreKeys").asInt()).isEqualTo(15);
        assertThat(stats.json().get("signedPreKeyAgeSeconds").asLong()).isBetween(0L, 60L);
        assertThat(stats.json().get("pqLastResortPreKeyAgeSeconds").asLong()).isBetween(0L, 60L);
    }

    @Test
    void shouldRejectAnUploadWithABadKyberSignatureAndStoreNothing() {
        // given
        TestKeys keys = TestKeys.generate();
        Device bob = app.register(GatewayApp.unique("bob"), 1, keys, 0, 0);
        List<SignedPreKeyBody> pq = new ArrayList<>(keys.kyberPreKeys(10, 5));
        pq.set(2, TestKeys.signedByAnother(pq.get(2)));

        // when
        Response response = upload(bob, new PreKeyUploadRequest(keys.oneTimePreKeys(10, 5), pq));

        // then
        assertProblem(response, 422, "bad-signature");
        assertThat(rows("one_time_prekeys", bob.userId())).isZero();
        assertThat(rows("one_time_kyber_prekeys", bob.userId())).isZero();
    }

    @Test
    void shouldRejectUploadsWithDuplicateIdsOrTooManyKeysAndStoreNothing() {
        // given
        TestKeys keys = TestKeys.generate();
        Device bob = app.register(GatewayApp.unique("bob"), 1, keys, 100, 0);

        // when
        Response storedId =
                upload(bob, new PreKeyUploadRequest(List.of(keys.oneTimePreKey(500), keys.oneTimePreKey(100)), null));
        Response lastResortId = upload(bob, new PreKeyUploadRequest(null, List.of(keys.kyberPreKey(1))));
        Response sameRequest =
                upload(bob, new PreKeyUploadRequest(List.of(keys.oneTimePreKey(500), keys.oneTimePreKey(500)), null));
        Response overRequestCap = upload(bob, new PreKeyUploadRequest(keys.oneTimePreKeys(1000, 101), null));
        Response overStoredCap = upload(bob, new PreKeyUploadRequest(keys.oneTimePreKeys(1000, 51), null));
        Response wrongLength = upload(
                bob,
                new PreKeyUploadRequest(
                        List.of(new PreKeyBody(600, Base64.getEncoder().encodeToString(new byte[34]))), null));

        // then
        assertProblem(storedId, 409, "duplicate-prekey-id");
        assertProblem(lastResortId, 409, "duplicate-prekey-id");
        assertProblem(sameRequest, 409, "duplicate-prekey-id");
        assertProblem(overRequestCap, 422, "too-many-prekeys");
        assertProblem(overStoredCap, 422, "too-many-prekeys");
        assertProblem(wrongLength, 400, "bad-request");
        assertThat(rows("one_time_prekeys", bob.userId())).isEqualTo(100);
        assertThat(rows("one_time_kyber_prekeys", bob.userId())).isZero();
    }

    @Test
    void shouldRateLimitPreKeyUploadsPerDeviceWithRetryAfter() {
        // given
        TestKeys keys = TestKeys.generate();
        Device bob = app.register(GatewayApp.unique("bob"), 1, keys, 0, 0);
        for (int i = 0; i < UPLOAD_BURST; i++) {
            assertThat(upload(bob, new PreKeyUploadRequest(List.of(keys.oneTimePreKey(100 + i)), null))
                            .status())
                    .isEqualTo(200);
        }

        // when
        Response limited = upload(bob, new PreKeyUploadRequest(List.of(keys.oneTimePreKey(200)), null));

        // then
        assertProblem(limited, 429, "rate-limited");
        assertThat(limited.raw().headers().firstValue("Retry-After")).isPresent();
        assertThat(rows("one_time_prekeys", bob.userId())).isEqualTo(UPLOAD_BURST);
    }

    // --- ownership

    @Test
    void shouldForbidActingOnAnotherUsersDevices() {
        // given
        TestKeys keys = TestKeys.generate();
        Device bob = app.register(GatewayApp.unique("bob"), 1, keys, 0, 0);
        Device mallory = app.register(GatewayApp.unique("mallory"), 1);
        String path = bob.userId() + "/" + bob.deviceId();

        // when
        List<Response> responses = List.of(
                app.put(
                        "/api/v1/keys/rotate/" + path,
                        mallory.authorization(),
                        json(new RotationRequest(keys.signedPreKey(2), null))),
                app.post(
                        "/api/v1/keys/prekeys/" + path,
                        mallory.authorization(),
                        json(new PreKeyUploadRequest(List.of(keys.oneTimePreKey(5)), null))),
                app.delete("/api/v1/keys/deactivate/" + path, mallory.authorization()),
                app.get("/api/v1/keys/stats/" + path, mallory.authorization()));

        // then
        for (Response response : responses) {
            assertProblem(response, 403, "forbidden");
        }
        assertThat(rows("one_time_prekeys", bob.userId())).isZero();
        assertThat(rows("signed_prekeys", bob.userId())).isEqualTo(1);
        assertThat(app.get("/api/v1/keys/devices/" + bob.userId(), bob.authorization())
                        .status())
                .isEqualTo(200);
    }

    @Test
    void shouldLetADeviceReadStatsOfItsUsersOtherDevicesButNotChangeTheirKeys() {
        // given
        String bob = GatewayApp.unique("bob");
        TestKeys keys2 = TestKeys.generate();
        Device bob1 = app.register(bob, 1);
        Device bob2 = app.register(bob, 2, keys2, 0, 0);
        String path = bob + "/" + bob2.deviceId();

        // when
        Response stats = app.get("/api/v1/keys/stats/" + path, bob1.authorization());
        Response rotate = app.put(
                "/api/v1/keys/rotate/" + path,
                bob1.authorization(),
                json(new RotationRequest(keys2.signedPreKey(2), null)));
        Response upload = app.post(
                "/api/v1/keys/prekeys/" + path,
                bob1.authorization(),
                json(new PreKeyUploadRequest(List.of(keys2.oneTimePreKey(5)), null)));

        // then
        assertThat(stats.status()).isEqualTo(200);
        assertProblem(rotate, 403, "forbidden");
        assertProblem(upload, 403, "forbidden");
    }

    // --- deactivation

    @Test
    void shouldDeactivateAnotherDeviceOfTheUser() throws Exception {
        // given
        String bob = GatewayApp.unique("bob");
        Device bob1 = app.register(bob, 1);
        Device bob2 = app.register(bob, 2);
        TestSocket socket =
                TestSocket.connect(app.http(), app.port, "/ws/" + bob + "/" + bob2.deviceId(), bob2.authorization());
        KafkaRecords.await(
                kafka,
                Topics.DEVICE_CONNECTIONS,
                record -> record.key().equals(bob2.address())
                        && record.value().getType() == ConnectionEventType.CONNECTED,
                1);

        // when
        Response deactivated =
                app.delete("/api/v1/keys/deactivate/" + bob + "/" + bob2.deviceId(), bob1.authorization());
        int closeCode = socket.awaitClose();
        Response devices = app.get("/api/v1/keys/devices/" + bob, bob1.authorization());
        Response asRemoved = app.get("/api/v1/keys/devices/" + bob, bob2.authorization());
        Response bundle = bundle(requester(), bob);
        Response again = app.delete("/api/v1/keys/deactivate/" + bob + "/" + bob2.deviceId(), bob1.authorization());
        List<KafkaRecords.Keyed<ConnectionEvent>> removed = KafkaRecords.readAll(
                kafka,
                Topics.DEVICE_CONNECTIONS,
                record -> record.key().equals(bob2.address())
                        && record.value().getType() == ConnectionEventType.DEVICE_REMOVED);

        // then
        assertThat(deactivated.status()).as(deactivated.body()).isEqualTo(204);
        assertThat(closeCode).isEqualTo(4410);
        assertThat(devices.json().get("devices")).hasSize(1);
        assertThat(devices.json().get("devices").get(0).get("deviceId").asInt()).isEqualTo(bob1.deviceId());
        assertProblem(asRemoved, 401, "unauthorized");
        assertThat(bundle.json().get("devices")).hasSize(1);
        assertProblem(again, 404, "unknown-device");
        assertThat(removed).hasSize(1);
        // only bob1's keys are left, less the one the bundle fetch above claimed
        assertThat(rows("one_time_prekeys", bob)).isEqualTo(GatewayApp.DEFAULT_ONE_TIME_KEYS - 1);
    }

    @Test
    void shouldDeactivateItselfAndAnswer404ForDevicesThatAreNotActive() {
        // given
        Device bob = app.register(GatewayApp.unique("bob"), 1);

        // when
        Response unknown = app.delete("/api/v1/keys/deactivate/" + bob.userId() + "/7", bob.authorization());
        Response badId = app.delete("/api/v1/keys/deactivate/" + bob.userId() + "/0", bob.authorization());
        Response itself =
                app.delete("/api/v1/keys/deactivate/" + bob.userId() + "/" + bob.deviceId(), bob.authorization());
        Response afterwards = app.get("/api/v1/keys/devices/" + bob.userId(), bob.authorization());

        // then
        assertProblem(unknown, 404, "unknown-device");
        assertProblem(badId, 400, "bad-request");
        assertThat(itself.status()).isEqualTo(204);
        assertProblem(afterwards, 401, "unauthorized");
        assertThat(storedRows(bob.userId())).isEqualTo(1);
    }
}
