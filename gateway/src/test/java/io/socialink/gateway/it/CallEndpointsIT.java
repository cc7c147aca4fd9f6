package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.schemas.avro.AnswerCall;
import io.socialink.schemas.avro.CallCommand;
import io.socialink.schemas.avro.CallMedia;
import io.socialink.schemas.avro.CallReply;
import io.socialink.schemas.avro.InitiateCall;
import io.socialink.schemas.avro.ReadIce;
import io.socialink.schemas.avro.RelayIce;
import io.socialink.schemas.avro.StoredCandidate;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The call endpoints against the real services, without call-signaling: everything the gateway decides alone is
 * answered before Kafka (nothing reaches {@code call.commands}); a valid request waits for its reply on the real
 * {@code call.replies} partition of this node (produced here, as call-signaling would), and times out without one.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class CallEndpointsIT {

    private static final String REPLY_TIMEOUT = "3s";
    private static final String TURN_SECRET = "call-endpoints-it-turn-secret";
    private static final String PROBLEMS = "https://socialink.io/problems/";
    private static final String OFFER = Base64.getEncoder().encodeToString("offer".getBytes(StandardCharsets.UTF_8));

    private static GatewayApp app;
    private static KafkaTestEnv kafka;

    @BeforeAll
    static void start(KafkaTestEnv kafkaEnv, PostgresTestEnv postgres, RedisTestEnv redis) {
        kafka = kafkaEnv;
        app = GatewayApp.start(
                kafka,
                postgres,
                redis,
                Map.of(
                        "socialink.gateway.calls.reply-timeout", REPLY_TIMEOUT,
                        "socialink.gateway.calls.ring-timeout", "30s",
                        "socialink.gateway.calls.turn.secret", TURN_SECRET,
                        "socialink.gateway.calls.turn.uris", "turn:turn.example.org:3478, turns:turn.example.org:5349",
                        "socialink.gateway.calls.turn.ttl", "3600"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    // ---- helpers

    static List<CallCommand> commandsBy(String actorUserId) {
        return KafkaRecords.readAll(kafka, Topics.CALL_COMMANDS, record -> record.value()
                        .getActorUserId()
                        .equals(actorUserId))
                .stream()
                .map(KafkaRecords.Keyed::value)
                .toList();
    }

    /** Waits for the {@code count}th command of {@code actorUserId} that the gateway produced. */
    static CallCommand awaitCommand(String actorUserId, int count) {
        List<KafkaRecords.Keyed<CallCommand>> commands = KafkaRecords.await(
                kafka,
                Topics.CALL_COMMANDS,
                record -> record.value().getActorUserId().equals(actorUserId),
                count);
        assertThat(commands).hasSize(count);
        KafkaRecords.Keyed<CallCommand> last = commands.get(count - 1);
        assertThat(last.key()).isEqualTo(last.value().getCallId());
        return last.value();
    }

    static void reply(CallReply reply) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
            String topic = kafka.layout().name(Topics.CALL_REPLIES);
            producer.send(new ProducerRecord<>(
                            topic,
                            0,
                            reply.getRequestId().getBytes(StandardCharsets.UTF_8),
                            Topics.CALL_REPLIES.valueSerde().serializer().serialize(topic, reply)))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static CallReply.Builder replyTo(CallCommand command, int status) {
        return CallReply.newBuilder()
                .setRequestId(command.getRequestId())
                .setCallId(command.getCallId())
                .setStatus(status);
    }

    /** Sends the request on another thread, answers its command with {@code answer}, returns the HTTP answer. */
    static Response exchange(String actor, int commandNumber, Supplier<Response> request, ReplyFactory answer)
            throws Exception {
        CompletableFuture<Response> pending = CompletableFuture.supplyAsync(request);
        CallCommand command = awaitCommand(actor, commandNumber);
        reply(answer.reply(command));
        return pending.get();
    }

    interface ReplyFactory {
        CallReply reply(CallCommand command);
    }

    static String offer(Device device) {
        return offer(device.deviceId(), device.registrationId(), OFFER);
    }

    static String offer(int deviceId, int registrationId, String content) {
        return "{\"deviceId\":" + deviceId + ",\"registrationId\":" + registrationId + ",\"type\":3,\"content\":\""
                + content + "\"}";
    }

    static String initiateBody(String callee, String media, String... offers) {
        return "{\"calleeUserId\":\"" + callee + "\",\"media\":\"" + media + "\",\"offers\":["
                + String.join(",", offers) + "]}";
    }

    static Response initiate(Device caller, String body) {
        return app.post("/api/v1/calls/initiate/" + caller.userId(), caller.authorization(), body);
    }

    static void assertProblem(Response response, int status, String type) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.problemType()).isEqualTo(PROBLEMS + type);
    }

    // ---- what the gateway decides alone

    @Test
    void shouldRefuseActingForAnotherUser() {
        // given
        Device alice = app.register(GatewayApp.unique("alice"), 1);
        Device bob = app.register(GatewayApp.unique("bob"), 2);
        String callId = UUID.randomUUID().toString();

        // when
        List<Response> responses = List.of(
                app.post(
                        "/api/v1/calls/initiate/" + bob.userId(),
                        alice.authorization(),
                        initiateBody(alice.userId(), "audio", offer(alice))),
                app.put(
                        "/api/v1/calls/" + callId + "/answer/" + bob.userId(),
                        alice.authorization(),
                        "{\"answer\":{\"type\":3,\"content\":\"AAAA\"}}"),
                app.put("/api/v1/calls/" + callId + "/decline/" + bob.userId(), alice.authorization(), ""),
                app.put("/api/v1/calls/" + callId + "/end/" + bob.userId(), alice.authorization(), ""),
                app.post(
                        "/api/v1/calls/" + callId + "/ice/" + bob.userId(),
                        alice.authorization(),
                        "{\"candidates\":[{\"type\":3,\"content\":\"AAAA\"}]}"));

        // then
        for (Response response : responses) {
            assertProblem(response, 403, "forbidden");
        }
        assertThat(commandsBy(alice.userId())).isEmpty();
    }

    @Test
    void shouldRefuseMalformedRequestsWithBadRequestAndProduceNothing() {
        // given
        Device alice = app.register(GatewayApp.unique("alice"), 1);
        Device bob = app.register(GatewayApp.unique("bob"), 2);
        String callId = UUID.randomUUID().toString();
        List<String> offers = new ArrayList<>();
        for (int i = 1; i <= 11; i++) {
            offers.add(offer(i, 2, OFFER));
        }
        List<String> badInitiates = List.of(
                "{\"calleeUserId\":\"" + bob.userId() + "\",\"media\":\"audio\",\"offers\":[" + offer(bob)
                        + "],\"unknown\":1}",
                "{\"calleeUserId\":\"" + bob.userId() + "\",\"media\":\"audio\",\"offers\":[{\"deviceId\":\"1\","
                        + "\"registrationId\":2,\"type\":3,\"content\":\"" + OFFER + "\"}]}",
                "{\"calleeUserId\":\"" + bob.userId() + "\",\"media\":\"audio\",\"offers\":[{\"deviceId\":1.5,"
                        + "\"registrationId\":2,\"type\":3,\"content\":\"" + OFFER + "\"}]}",
                "{\"calleeUserId\":1,\"media\":\"audio\",\"offers\":[]}",
                initiateBody(bob.userId(), "screen", offer(bob)),
                initiateBody(alice.userId(), "audio", offer(alice)),
                initiateBody(bob.userId(), "audio", offer(bob.deviceId(), 2, "not base64!")),
                initiateBody(bob.userId(), "audio", offers.toArray(String[]::new)),
                "not json");
        String answer = "/api/v1/calls/" + callId + "/answer/" + alice.userId();
        String ice = "/api/v1/calls/" + callId + "/ice/" + alice.userId();
        List<String> thirtyThree = new ArrayList<>();
        for (int i = 0; i < 33; i++) {
            thirtyThree.add("{\"type\":3,\"content\":\"AAAA\"}");
        }

        // when
        List<Response> responses = new ArrayList<>();
        badInitiates.forEach(body -> responses.add(initiate(alice, body)));
        responses.add(app.put(answer, alice.authorization(), "{\"answer\":{\"type\":\"3\",\"content\":\"AAAA\"}}"));
        responses.add(app.put(answer, alice.authorization(), "{\"answer\":{\"type\":3,\"content\":\"AAAA\"},\"x\":1}"));
        responses.add(app.put(answer, alice.authorization(), "{}"));
        responses.add(app.post(ice, alice.authorization(), "{\"candidates\":[]}"));
        responses.add(app.post(ice, alice.authorization(), "{\"candidates\":[" + String.join(",", thirtyThree) + "]}"));
        responses.add(app.post(ice, alice.authorization(), "{\"candidates\":[{\"type\":3,\"content\":\"@@\"}]}"));
        for (String path : List.of(
                "/api/v1/calls/not-a-uuid/answer/" + alice.userId(),
                "/api/v1/calls/not-a-uuid/decline/" + alice.userId(),
                "/api/v1/calls/not-a-uuid/end/" + alice.userId())) {
            responses.add(app.put(path, alice.authorization(), "{\"answer\":{\"type\":3,\"content\":\"AAAA\"}}"));
        }
        responses.add(app.post(
                "/api/v1/calls/1-1-1-1-1/ice/" + alice.userId(),
                alice.authorization(),
                "{\"candidates\":[{\"type\":3,\"content\":\"AAAA\"}]}"));
        responses.add(app.get("/api/v1/calls/not-a-uuid/ice", alice.authorization()));
        responses.add(app.get("/api/v1/calls/" + callId + "/ice?after=-1", alice.authorization()));
        responses.add(app.get("/api/v1/calls/" + callId + "/ice?after=x", alice.authorization()));

        // then
        for (Response response : responses) {
            assertProblem(response, 400, "bad-request");
        }
        assertThat(commandsBy(alice.userId())).isEmpty();
    }

    @Test
    void shouldCheckTheOffersAgainstTheCalleesDevicesAndProduceNothingOnRefusal() {
        // given: bob has two devices; alice has a second device that gets no offer
        Device alice = app.register(GatewayApp.unique("alice"), 1);
        app.register(alice.userId(), 11);
        String bobId = GatewayApp.unique("bob");
        Device bob1 = app.register(bobId, 21);
        Device bob2 = app.register(bobId, 22);
        String big = Base64.getEncoder().encodeToString(new byte[65_537]);

        // when
        Response unknown = initiate(alice, initiateBody(GatewayApp.unique("nobody"), "audio", offer(1, 1, OFFER)));
        Response missing = initiate(alice, initiateBody(bobId, "audio", offer(bob1)));
        Response extra = initiate(alice, initiateBody(bobId, "audio", offer(bob1), offer(bob2), offer(3, 11, OFFER)));
        Response stale = initiate(alice, initiateBody(bobId, "audio", offer(bob1), offer(bob2.deviceId(), 999, OFFER)));
        Response tooLarge = initiate(
                alice, initiateBody(bobId, "video", offer(bob1), offer(bob2.deviceId(), bob2.registrationId(), big)));

        // then
        assertProblem(unknown, 404, "unknown-user");
        assertProblem(missing, 409, "device-mismatch");
        assertThat(missing.json().get("mismatches").toString())
                .isEqualTo("[{\"userId\":\"" + bobId + "\",\"missingDevices\":[" + bob2.deviceId()
                        + "],\"extraDevices\":[]}]");
        // alice's other device is no missing device: the caller's devices get no offer
        assertProblem(extra, 409, "device-mismatch");
        assertThat(extra.json().get("mismatches").toString())
                .isEqualTo("[{\"userId\":\"" + bobId + "\",\"missingDevices\":[],\"extraDevices\":[3]}]");
        assertProblem(stale, 410, "stale-devices");
        assertThat(stale.json().get("stale").toString())
                .isEqualTo("[{\"userId\":\"" + bobId + "\",\"staleDevices\":[" + bob2.deviceId() + "]}]");
        assertProblem(tooLarge, 413, "payload-too-large");
        assertThat(commandsBy(alice.userId())).isEmpty();
    }

    // ---- request/reply with call-signaling

    @Test
    void shouldSendInitiateCallAndAnswerWithTheRingingCall() throws Exception {
        // given: alice (two devices) calls bob (two devices)
        Device alice = app.register(GatewayApp.unique("alice"), 1);
        Device aliceOther = app.register(alice.userId(), 2);
        String bobId = GatewayApp.unique("bob");
        Device bob1 = app.register(bobId, 21);
        Device bob2 = app.register(bobId, 22);
        String offer2 = Base64.getEncoder().encodeToString(new byte[] {9, 8, 7});

        // when
        Response response = exchange(
                alice.userId(),
                1,
                () -> initiate(
                        alice,
                        initiateBody(
                                bobId, "video", offer(bob1), offer(bob2.deviceId(), bob2.registrationId(), offer2))),
                command -> replyTo(command, 201)
                        .setState("ringing")
                        .setAttributes(Map.of("ringUntil", "1765000030000"))
                        .build());

        // then: the command carries what call-signaling needs
        CallCommand command = commandsBy(alice.userId()).get(0);
        assertThat(command.getActorDeviceId()).isEqualTo(alice.deviceId());
        assertThat(command.getReplyPartition()).isZero();
        assertThat(UUID.fromString(command.getCallId()).toString()).isEqualTo(command.getCallId());
        InitiateCall initiate = (InitiateCall) command.getCommand();
        assertThat(initiate.getCalleeUserId()).isEqualTo(bobId);
        assertThat(initiate.getMedia()).isEqualTo(CallMedia.VIDEO);
        assertThat(initiate.getRingMillis()).isEqualTo(30_000);
        assertThat(initiate.getCallerDevices()).containsExactly(alice.deviceId(), aliceOther.deviceId());
        assertThat(initiate.getOffers())
                .extracting(offer -> offer.getDeviceId() + "/" + offer.getCiphertextType() + "/"
                        + Base64.getEncoder().encodeToString(bytes(offer.getContent())))
                .containsExactly(bob1.deviceId() + "/3/" + OFFER, bob2.deviceId() + "/3/" + offer2);
        // and the answer is the reply's, in the contract's shape
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        assertThat(response.json().toString())
                .isEqualTo("{\"callId\":\"" + command.getCallId()
                        + "\",\"state\":\"ringing\",\"ringUntil\":1765000030000}");
    }

    @Test
    void shouldAnswerABusyCalleeWithTheEndedCall() throws Exception {
        // given
        Device alice = app.register(GatewayApp.unique("alice"), 1);
        Device bob = app.register(GatewayApp.unique("bob"), 2);

        // when
        Response response = exchange(
                alice.userId(),
                1,
                () -> initiate(alice, initiateBody(bob.userId(), "audio", offer(bob))),
                command -> replyTo(command, 201)
                        .setState("ended")
                        .setOutcome("busy")
                        .build());

        // then
        CallCommand command = commandsBy(alice.userId()).get(0);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        assertThat(response.json().toString())
                .isEqualTo("{\"callId\":\"" + command.getCallId() + "\",\"state\":\"ended\",\"outcome\":\"busy\"}");
    }

    @Test
    void shouldRelayAnswersAndRefusalsOfCallSignaling() throws Exception {
        // given: bob answers a call of alice's; the call id is call-signaling's business, any UUID reaches it
        Device bob = app.register(GatewayApp.unique("bob"), 2);
        String callId = UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT);
        String path = "/api/v1/calls/" + callId;
        String answer = Base64.getEncoder().encodeToString("answer-sdp".getBytes(StandardCharsets.UTF_8));

        // when
        Response accepted = exchange(
                bob.userId(),
                1,
                () -> app.put(
                        path + "/answer/" + bob.userId(),
                        bob.authorization(),
                        "{\"answer\":{\"type\":2,\"content\":\"" + answer + "\"}}"),
                command -> replyTo(command, 200)
                        .setState("accepted")
                        .setAttributes(Map.of("answeredAt", "1765000001234"))
                        .build());
        Response late = exchange(
                bob.userId(),
                2,
                () -> app.put(path + "/decline/" + bob.userId(), bob.authorization(), ""),
                command -> replyTo(command, 409)
                        .setProblemType("call-not-ringing")
                        .setDetail("the call was answered")
                        .setState("accepted")
                        .build());
        Response unknown = exchange(
                bob.userId(),
                3,
                () -> app.put(path + "/end/" + bob.userId(), bob.authorization(), ""),
                command -> replyTo(command, 404).setProblemType("unknown-call").build());
        Response ended = exchange(
                bob.userId(),
                4,
                () -> app.put(path + "/end/" + bob.userId(), bob.authorization(), ""),
                command -> replyTo(command, 200)
                        .setState("ended")
                        .setOutcome("completed")
                        .setAttributes(Map.of("durationMillis", "61000"))
                        .build());

        // then: the commands name the call in canonical form, the answer carries the ciphertext
        List<CallCommand> commands = commandsBy(bob.userId());
        String canonical = callId.toLowerCase(java.util.Locale.ROOT);
        assertThat(commands).extracting(CallCommand::getCallId).containsOnly(canonical);
        AnswerCall answerCall = (AnswerCall) commands.get(0).getCommand();
        assertThat(answerCall.getAnswer().getCiphertextType()).isEqualTo(2);
        assertThat(bytes(answerCall.getAnswer().getContent())).isEqualTo("answer-sdp".getBytes(StandardCharsets.UTF_8));
        assertThat(commands.get(1).getCommand().getClass().getSimpleName()).isEqualTo("DeclineCall");
        assertThat(commands.get(2).getCommand().getClass().getSimpleName()).isEqualTo("EndCall");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.json().toString())
                .isEqualTo("{\"callId\":\"" + canonical + "\",\"state\":\"accepted\",\"answeredAt\":1765000001234}");
        assertProblem(late, 409, "call-not-ringing");
        assertThat(late.json().get("detail").asString()).isEqualTo("the call was answered");
        assertThat(late.json().get("state").asString()).isEqualTo("accepted");
        assertProblem(unknown, 404, "unknown-call");
        assertThat(ended.status()).as(ended.body()).isEqualTo(200);
        assertThat(ended.json().toString())
                .isEqualTo("{\"callId\":\"" + canonical
                        + "\",\"state\":\"ended\",\"outcome\":\"completed\",\"durationMillis\":61000}");
    }

    @Test
    void shouldRelayIceCandidatesAndReadThemBackAfterACursor() throws Exception {
        // given
        Device alice = app.register(GatewayApp.unique("alice"), 1);
        String callId = UUID.randomUUID().toString();
        String c1 = Base64.getEncoder().encodeToString("candidate-1".getBytes(StandardCharsets.UTF_8));
        String c2 = Base64.getEncoder().encodeToString("candidate-2".getBytes(StandardCharsets.UTF_8));

        // when
        Response relayed = exchange(
                alice.userId(),
                1,
                () -> app.post(
                        "/api/v1/calls/" + callId + "/ice/" + alice.userId(),
                        alice.authorization(),
                        "{\"candidates\":[{\"type\":3,\"content\":\"" + c1 + "\"},{\"type\":3,\"content\":\"" + c2
                                + "\"}]}"),
                command -> replyTo(command, 200)
                        .setState("accepted")
                        .setAttributes(Map.of("first", "5", "last", "6"))
                        .build());
        Response read = exchange(
                alice.userId(),
                2,
                () -> app.get("/api/v1/calls/" + callId + "/ice?after=4", alice.authorization()),
                command -> replyTo(command, 200)
                        .setState("accepted")
                        .setCandidates(List.of(candidate(5, "peer-1"), candidate(7, "peer-2")))
                        .build());
        Response none = exchange(
                alice.userId(),
                3,
                () -> app.get("/api/v1/calls/" + callId + "/ice", alice.authorization()),
                command -> replyTo(command, 200).setState("accepted").build());
        Response tooMany = exchange(
                alice.userId(),
                4,
                () -> app.post(
                        "/api/v1/calls/" + callId + "/ice/" + alice.userId(),
                        alice.authorization(),
                        "{\"candidates\":[{\"type\":3,\"content\":\"" + c1 + "\"}]}"),
                command -> replyTo(command, 413)
                        .setProblemType("too-many-candidates")
                        .build());

        // then
        List<CallCommand> commands = commandsBy(alice.userId());
        RelayIce relay = (RelayIce) commands.get(0).getCommand();
        assertThat(relay.getCandidates())
                .extracting(candidate -> new String(bytes(candidate.getContent()), StandardCharsets.UTF_8))
                .containsExactly("candidate-1", "candidate-2");
        assertThat(((ReadIce) commands.get(1).getCommand()).getAfter()).isEqualTo(4);
        assertThat(((ReadIce) commands.get(2).getCommand()).getAfter()).isZero();
        assertThat(relayed.json().toString()).isEqualTo("{\"callId\":\"" + callId + "\",\"first\":5,\"last\":6}");
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        JsonNode candidates = read.json().get("candidates");
        assertThat(candidates).hasSize(2);
        assertThat(candidates.get(0).get("seq").asLong()).isEqualTo(5);
        assertThat(candidates.get(0).get("type").asInt()).isEqualTo(3);
        assertThat(new String(
                        Base64.getDecoder()
                                .decode(candidates.get(1).get("content").asString()),
                        StandardCharsets.UTF_8))
                .isEqualTo("peer-2");
        assertThat(candidates.get(1).get("sentAt").asLong()).isEqualTo(1_765_000_002_000L);
        assertThat(read.json().get("cursor").asLong()).isEqualTo(7);
        assertThat(none.json().toString()).isEqualTo("{\"callId\":\"" + callId + "\",\"candidates\":[],\"cursor\":0}");
        assertProblem(tooMany, 413, "too-many-candidates");
    }

    @Test
    void shouldAnswerServiceUnavailableWithoutAReply() {
        // given: no call-signaling answers in this test
        Device alice = app.register(GatewayApp.unique("alice"), 1);

        // when
        long started = System.nanoTime();
        Response response =
                app.put("/api/v1/calls/" + UUID.randomUUID() + "/end/" + alice.userId(), alice.authorization(), "");

        // then
        assertProblem(response, 503, "call-service-unavailable");
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(2_900);
        assertThat(commandsBy(alice.userId())).hasSize(1);
    }

    @Test
    void shouldHandOutTurnCredentialsForTheCallersUser() throws Exception {
        // given
        Device alice = app.register(GatewayApp.unique("alice"), 1);
        long now = Instant.now().getEpochSecond();

        // when
        Response response = app.get("/api/v1/calls/turn", alice.authorization());

        // then
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode body = response.json();
        String username = body.get("username").asString();
        assertThat(username).endsWith(":" + alice.userId());
        long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
        assertThat(expiry).isBetween(now + 3_600 - 5, now + 3_600 + 5);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(TURN_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        assertThat(body.get("password").asString())
                .isEqualTo(Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8))));
        assertThat(body.get("ttlSeconds").asLong()).isEqualTo(3_600);
        assertThat(body.get("uris").toString())
                .isEqualTo("[\"turn:turn.example.org:3478\",\"turns:turn.example.org:5349\"]");
        assertProblem(app.get("/api/v1/calls/turn", null), 401, "unauthorized");
    }

    static StoredCandidate candidate(long seq, String content) {
        return StoredCandidate.newBuilder()
                .setSeq(seq)
                .setFromDeviceId(2)
                .setToDeviceId(1)
                .setCiphertextType(3)
                .setContent(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)))
                .setAt(Instant.ofEpochMilli(1_765_000_002_000L))
                .build();
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }
}
