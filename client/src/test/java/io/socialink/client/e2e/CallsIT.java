package io.socialink.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.client.api.CallHistory;
import io.socialink.client.api.CallStatus;
import io.socialink.client.api.IceSent;
import io.socialink.client.api.ProblemException;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.api.TurnCredentials;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.calls.CallSignal;
import io.socialink.client.calls.IceCandidate;
import io.socialink.client.calls.SecureCalls;
import io.socialink.client.cli.SocialinkCli;
import io.socialink.client.keys.DeviceKeyMaterial;
import io.socialink.client.signal.SecureMessenger;
import io.socialink.client.socket.CallFrame;
import io.socialink.client.socket.DeviceSocket;
import io.socialink.client.socket.DeviceSocketListener;
import io.socialink.client.socket.Envelope;
import io.socialink.client.store.SignalFileStore;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls end to end against the real apps (gateway, delivery-worker, call-signaling): a video call between two users
 * with two devices each, every device its own CLI process (offer, answer and ICE candidates decrypted by the peer;
 * answered elsewhere on the other devices; history with the duration); a call to an offline callee that ends missed
 * and never rings later; the rules that need the whole system (first answer wins, bad input, wrong user, answer
 * after end: problem+json, state unchanged); a kill -9 of call-signaling in the middle of an accepted call; and no
 * SDP or candidate plaintext in Kafka, Postgres, Redis or the logs.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CallsIT {

    private static final String RING_TIMEOUT = "8s";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String TURN_SECRET = "e2e-turn-secret-0123456789";
    private static final String TURN_URI = "turn:127.0.0.1:3478?transport=udp";
    private static final String PROBLEM_JSON = "application/problem+json";
    /** Put into every SDP and candidate of the test, looked for in everything the server keeps. */
    private static final String MARKER =
            "callmarker" + UUID.randomUUID().toString().replace("-", "");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static LocalSystem system;
    private static SocialinkClient client;
    private static KafkaTestEnv kafka;
    private static PostgresTestEnv postgres;
    private static RedisTestEnv redis;
    private static Path store;
    private static Path stores;
    private static final List<Path> cliOutputs = new ArrayList<>();
    private final List<CliProcess> processes = new ArrayList<>();
    private final List<CallParty> parties = new ArrayList<>();

    @BeforeAll
    static void startSystem(KafkaTestEnv kafkaEnv, PostgresTestEnv postgresEnv, RedisTestEnv redisEnv)
            throws Exception {
        kafka = kafkaEnv;
        postgres = postgresEnv;
        redis = redisEnv;
        system = LocalSystem.withCalls(
                        kafka,
                        postgres,
                        redis,
                        RING_TIMEOUT,
                        Map.of(),
                        Map.of(
                                "socialink.gateway.calls.turn.secret", TURN_SECRET,
                                "socialink.gateway.calls.turn.uris", TURN_URI))
                .start();
        client = system.client();
        store = Files.createTempDirectory("calls-cli-store");
        stores = Files.createTempDirectory("calls-stores");
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @AfterEach
    void stopProcesses() {
        processes.forEach(CliProcess::kill);
        parties.forEach(CallParty::close);
    }

    @Test
    @Order(1)
    void shouldPlaceAVideoCallBetweenCliProcessesAndAnswerItOnOneOfTwoDevices() throws Exception {
        // given alice and bob with two devices each, each device its own CLI process; bob's wait for the ring
        String alice = unique("alice");
        String bob = unique("bob");
        assertThat(register(alice, alice + "-1")).isEqualTo("1");
        assertThat(register(alice, alice + "-2")).isEqualTo("2");
        assertThat(register(bob, bob + "-1")).isEqualTo("1");
        assertThat(register(bob, bob + "-2")).isEqualTo("2");
        String aliceTag = MARKER + "alice";
        String bobTag = MARKER + "bob";
        CliProcess bob1 = cli(
                "call",
                "answer",
                "--as",
                bob + "-1",
                "--wait",
                "90",
                "--tag",
                bobTag,
                "--candidates",
                "3",
                "--timeout",
                "120");
        CliProcess bob2 = cli(
                "call",
                "listen",
                "--as",
                bob + "-2",
                "--until",
                "answered-elsewhere,missed,cancelled",
                "--timeout",
                "90");
        CliProcess alice2 =
                cli("call", "listen", "--as", alice + "-2", "--until", "answered-elsewhere", "--timeout", "90");
        bob1.awaitErr("waiting for a ring");
        bob2.awaitErr("listening for calls");
        alice2.awaitErr("listening for calls");

        // when alice's first device places a video call, and hangs up 1.5 s after the candidates were exchanged
        CliProcess alice1 = cli(
                "call",
                "place",
                "--as",
                alice + "-1",
                "--to",
                bob,
                "--media",
                "video",
                "--tag",
                aliceTag,
                "--candidates",
                "3",
                "--hangup-after",
                "1.5",
                "--timeout",
                "120");

        // then every process ends well
        for (CliProcess process : List.of(alice1, bob1, bob2, alice2)) {
            assertThat(process.await()).as(process.describe()).isZero();
        }
        String callId = first(alice1.out(), "call placed (\\S+) ringing ringUntil=\\d+");
        // alice's device got bob's answer on his first device and decrypted it
        assertThat(alice1.out()).contains("call accepted " + callId + " by=" + bob + ".1");
        assertThat(first(alice1.out(), "call answer " + callId + " (.*)"))
                .startsWith("v=0\\r\\n")
                .contains("s=" + bobTag + "\\r\\n");
        // bob's first device decrypted alice's offer (video) and answered
        assertThat(bob1.out()).contains("call ring " + callId + " from=" + alice + ".1 media=video");
        assertThat(first(bob1.out(), "call offer " + callId + " (.*)"))
                .contains("s=" + aliceTag + "\\r\\n")
                .contains("m=video ");
        assertThat(bob1.out()).contains("call answered " + callId + " accepted");
        // each side decrypted exactly the candidates the other sent
        assertThat(iceReceived(alice1.out(), callId, bob + ".1"))
                .containsExactlyInAnyOrderElementsOf(iceSent(bob1.out(), callId));
        assertThat(iceReceived(bob1.out(), callId, alice + ".1"))
                .containsExactlyInAnyOrderElementsOf(iceSent(alice1.out(), callId));
        assertThat(iceSent(alice1.out(), callId)).hasSize(3).allMatch(text -> text.endsWith("ufrag " + aliceTag));
        assertThat(iceSent(bob1.out(), callId)).hasSize(3).allMatch(text -> text.endsWith("ufrag " + bobTag));
        // the hang-up: alice's end and bob's ended frame tell the same duration, at least the 1.5 s pause
        long aliceDuration = Long.parseLong(first(alice1.out(), "call over " + callId + " completed duration=(\\d+)"));
        long bobDuration = Long.parseLong(first(bob1.out(), "call over " + callId + " completed duration=(\\d+)"));
        assertThat(aliceDuration).isEqualTo(bobDuration).isGreaterThanOrEqualTo(1_500);
        assertThat(bob1.out()).contains("call ended " + callId).contains("endedBy=" + alice + ".1");
        // bob's second device rang (it could read its own copy of the offer), then was answered elsewhere
        assertThat(bob2.out()).contains("call ring " + callId + " from=" + alice + ".1");
        assertThat(first(bob2.out(), "call offer " + callId + " (.*)")).contains("s=" + aliceTag);
        assertThat(bob2.out()).containsPattern("call answered-elsewhere " + callId + " .*answeredDeviceId=1");
        assertThat(bob2.out()).doesNotContain("call ice ").doesNotContain("call undecryptable");
        // alice's second device heard it was answered elsewhere, and never rang
        assertThat(alice2.out()).contains("call answered-elsewhere " + callId).doesNotContain("call ring ");

        // and the history shows the call with its duration to both users
        String aliceLine = awaitHistory(alice + "-1", bob, callId, "outcome=completed");
        String bobLine = awaitHistory(bob + "-2", alice, callId, "outcome=completed");
        assertThat(aliceLine).contains(alice + ".1 -> " + bob + ".1 video").contains("duration=" + aliceDuration + " ");
        assertThat(bobLine).isEqualTo(aliceLine);
    }

    @Test
    @Order(2)
    void shouldEndACallToAnOfflineCalleeAsMissedThatNeverRingsLater() throws Exception {
        // given carol, and dave whose only device is not connected
        String carol = unique("carol");
        String dave = unique("dave");
        register(carol, carol);
        register(dave, dave);

        // when carol calls dave and nobody answers within the ring timeout
        Result placed = run(
                "call",
                "place",
                "--as",
                carol,
                "--to",
                dave,
                "--media",
                "audio",
                "--tag",
                MARKER + "c",
                "--timeout",
                "60");

        // then the call ends as missed on carol's device
        assertThat(placed.exit()).as(placed.err()).isZero();
        String callId = first(placed.out(), "call placed (\\S+) ringing ringUntil=\\d+");
        assertThat(placed.out())
                .contains("call missed " + callId)
                .contains("call over " + callId + " missed duration=0")
                .doesNotContain("call accepted");

        // when dave's device connects afterwards
        Result later = run("call", "listen", "--as", dave, "--timeout", "5");

        // then it learns the call was missed, and never gets the ring
        assertThat(later.exit()).as(later.err()).isZero();
        assertThat(later.out())
                .contains("call missed " + callId)
                .doesNotContain("call ring")
                .doesNotContain("call offer");
        assertThat(awaitHistory(dave, carol, callId, "outcome=missed"))
                .contains(carol + ".1 -> " + dave + " audio")
                .contains("duration=0 ")
                .contains("answered=-");
    }

    @Test
    @Order(3)
    void shouldLetOnlyTheFirstAnswerWinAndRefuseBadRequestsWithoutChangingTheCall() throws Exception {
        // given gina calling hank, whose two devices ring; ivan is not in the call
        String gina = unique("gina");
        String hank = unique("hank");
        CallParty gina1 = party(gina);
        CallParty hank1 = party(hank);
        CallParty hank2 = party(hank);
        CallParty ivan = party(unique("ivan"));
        String offers = "{\"calleeUserId\": \"" + hank + "\", \"media\": \"audio\", \"offers\": ["
                + offer(hank1.device(), 100) + ", " + offer(hank2.device(), 70_000) + "]}";
        assertProblem(post(gina1.device(), "/api/v1/calls/initiate/" + gina, offers), 413, null);
        assertProblem(
                post(gina1.device(), "/api/v1/calls/initiate/" + gina, offers.replace("audio", "hologram")), 400, null);
        UUID callId = gina1.calls
                .initiate(hank, "audio", "v=0\r\ns=" + MARKER + "g\r\n")
                .callId();
        CallSignal ring1 = hank1.await(callId, CallFrame.RING);
        CallSignal ring2 = hank2.await(callId, CallFrame.RING);
        assertThat(ring1.text()).contains(MARKER + "g");
        assertThat(ring2.text()).contains(MARKER + "g");

        // then an unknown call is 404, a user outside the call 403, an oversized answer 413
        assertProblem(
                put(hank1.device(), "/api/v1/calls/" + UUID.randomUUID() + "/answer/" + hank, answerBody(10)),
                404,
                "unknown-call");
        assertProblem(
                put(
                        ivan.device(),
                        "/api/v1/calls/" + callId + "/answer/" + ivan.device().userId(),
                        answerBody(10)),
                403,
                null);
        assertProblem(put(hank1.device(), "/api/v1/calls/" + callId + "/answer/" + gina, answerBody(10)), 403, null);
        assertProblem(
                put(hank1.device(), "/api/v1/calls/" + callId + "/answer/" + hank, answerBody(70_000)), 413, null);
        assertProblem(
                get(ivan.device(), "/api/v1/calls/history/" + SocialinkClient.conversationId(gina, hank)), 403, null);
        assertProblem(put(hank1.device(), "/api/v1/calls/not-a-uuid/answer/" + hank, answerBody(10)), 400, null);

        // when both of hank's devices answer at once
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Object> answer1 = CompletableFuture.supplyAsync(() -> answer(go, hank1, ring1));
        CompletableFuture<Object> answer2 = CompletableFuture.supplyAsync(() -> answer(go, hank2, ring2));
        go.countDown();
        List<Object> answers = List.of(answer1.get(60, TimeUnit.SECONDS), answer2.get(60, TimeUnit.SECONDS));

        // then exactly one wins (200, accepted), the other is refused 409
        assertThat(answers).filteredOn(CallStatus.class::isInstance).hasSize(1);
        assertThat(answers)
                .filteredOn(ProblemException.class::isInstance)
                .singleElement()
                .satisfies(problem -> {
                    assertThat(((ProblemException) problem).status()).isEqualTo(409);
                    assertThat(((ProblemException) problem).name()).isEqualTo("call-not-ringing");
                });
        CallParty winner = answers.get(0) instanceof CallStatus ? hank1 : hank2;
        CallParty loser = winner == hank1 ? hank2 : hank1;
        assertThat(((CallStatus) answers.get(answers.get(0) instanceof CallStatus ? 0 : 1)).state())
                .isEqualTo("accepted");
        CallSignal accepted = gina1.await(callId, CallFrame.ACCEPTED);
        assertThat(accepted.frame().senderAddress()).isEqualTo(winner.device().address());
        assertThat(accepted.text()).isEqualTo("v=0\r\ns=" + MARKER + "answer\r\n");
        assertThat(loser.await(callId, CallFrame.ANSWERED_ELSEWHERE).frame().attribute("answeredDeviceId"))
                .isEqualTo(String.valueOf(winner.device().deviceId()));

        // and malformed or misplaced candidates are refused without a trace
        String iceUri = "/api/v1/calls/" + callId + "/ice/" + hank;
        assertProblem(
                post(winner.device(), iceUri, "{\"candidates\": [{\"type\": 2, \"content\": \"%%%\"}]}"), 400, null);
        assertProblem(post(winner.device(), iceUri, "{\"candidates\": []}"), 400, null);
        assertProblem(
                post(winner.device(), iceUri, "{\"candidates\": [{\"type\": \"2\", \"content\": \"AAAA\"}]}"),
                400,
                null);
        assertProblem(post(winner.device(), iceUri, "{\"candidates\": \"candidate:1\"}"), 400, null);
        assertProblem(
                post(
                        winner.device(),
                        iceUri,
                        "{\"candidates\": [{\"type\": 2, \"content\": \""
                                + Base64.getEncoder().encodeToString(new byte[5_000]) + "\"}]}"),
                413,
                null);
        assertProblem(
                post(loser.device(), iceUri, "{\"candidates\": [{\"type\": 2, \"content\": \"AAAA\"}]}"), 403, null);
        assertProblem(
                post(
                        ivan.device(),
                        "/api/v1/calls/" + callId + "/ice/" + ivan.device().userId(),
                        "{\"candidates\": [{\"type\": 2, \"content\": \"AAAA\"}]}"),
                403,
                null);
        assertProblem(get(loser.device(), "/api/v1/calls/" + callId + "/ice"), 403, null);
        String candidate = "candidate:1 1 udp 2122260223 192.168.7.7 50400 typ host generation 0 ufrag " + MARKER;
        IceSent sent = winner.calls.sendIce(callId, List.of(candidate));
        assertThat(sent.last()).isEqualTo(sent.first());
        List<String> polled = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (polled.isEmpty() && System.nanoTime() < deadline) {
            gina1.calls.pollIce(callId).forEach(ice -> polled.add(ice.seq() + " " + ice.text()));
            polled.addAll(gina1.iceTexts(callId));
            Thread.sleep(200);
        }
        assertThat(polled).singleElement().asString().endsWith(" " + candidate);

        // when gina hangs up, every later answer, decline or end is refused and the call stays completed
        CallStatus ended = gina1.calls.end(callId);
        assertThat(ended.outcome()).isEqualTo("completed");
        assertProblem(put(loser.device(), "/api/v1/calls/" + callId + "/answer/" + hank, answerBody(10)), 409, null);
        assertProblem(put(loser.device(), "/api/v1/calls/" + callId + "/decline/" + hank, ""), 409, null);
        assertProblem(put(gina1.device(), "/api/v1/calls/" + callId + "/end/" + gina, ""), 409, "call-ended");
        assertThatThrownBy(() -> winner.calls.sendIce(callId, List.of(candidate)))
                .isInstanceOfSatisfying(ProblemException.class, problem -> assertThat(problem.status())
                        .isEqualTo(409));
        assertThat(winner.await(callId, CallFrame.ENDED).frame().longAttribute("durationMillis", -1))
                .isEqualTo(ended.durationMillis());
        CallHistory.Call call = awaitHistoryCall(gina1.device(), hank, callId);
        assertThat(call.outcome()).isEqualTo("completed");
        assertThat(call.answeredDeviceId()).isEqualTo(winner.device().deviceId());
        assertThat(call.durationMillis()).isEqualTo(ended.durationMillis());

        // and TURN credentials are in the coturn REST form, valid for the configured servers
        TurnCredentials turn = gina1.calls.turn();
        assertThat(turn.uris()).containsExactly(TURN_URI);
        assertThat(turn.username()).matches("\\d+:" + gina);
        long expiry =
                Long.parseLong(turn.username().substring(0, turn.username().indexOf(':')));
        assertThat(expiry)
                .isBetween(
                        System.currentTimeMillis() / 1000 + turn.ttlSeconds() - 120,
                        System.currentTimeMillis() / 1000 + turn.ttlSeconds() + 5);
        Mac hmac = Mac.getInstance("HmacSHA1");
        hmac.init(new SecretKeySpec(TURN_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        assertThat(turn.password())
                .isEqualTo(Base64.getEncoder()
                        .encodeToString(hmac.doFinal(turn.username().getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    @Order(4)
    void shouldKeepAnAcceptedCallThroughAKillOfCallSignaling() throws Exception {
        // given an accepted call between erin and frank, candidates exchanged
        String erin = unique("erin");
        String frank = unique("frank");
        CallParty erin1 = party(erin);
        CallParty frank1 = party(frank);
        UUID callId = erin1.calls
                .initiate(frank, "video", "v=0\r\ns=" + MARKER + "e\r\n")
                .callId();
        CallSignal ring = frank1.await(callId, CallFrame.RING);
        long answering = System.currentTimeMillis();
        CallStatus answered = frank1.calls.answer(ring.frame(), "v=0\r\ns=" + MARKER + "f\r\n");
        assertThat(answered.state()).isEqualTo("accepted");
        assertThat(answered.answeredAt()).isNotNull();
        erin1.await(callId, CallFrame.ACCEPTED);
        String before = "candidate:1 1 udp 2122260223 192.168.9.1 50500 typ host generation 0 ufrag " + MARKER;
        frank1.calls.sendIce(callId, List.of(before));
        assertThat(erin1.awaitIce(callId, 1)).containsExactly(before);

        // when call-signaling is killed (SIGKILL) in the middle of the call and started again
        system.callSignaling().kill();
        system.callSignaling().start();

        // then the call still takes candidates both ways
        String after = "candidate:2 1 udp 1686052607 198.51.100.4 50501 typ srflx generation 0 ufrag " + MARKER;
        long deadline = System.nanoTime() + WAIT.toNanos();
        retry(() -> frank1.calls.sendIce(callId, List.of(after)), deadline);
        assertThat(erin1.awaitIce(callId, 2)).containsExactly(before, after);
        String back = "candidate:3 1 udp 2122260223 192.168.9.2 50502 typ host generation 0 ufrag " + MARKER;
        retry(() -> erin1.calls.sendIce(callId, List.of(back)), deadline);
        assertThat(frank1.awaitIce(callId, 1)).containsExactly(back);

        // and ends completed with the duration from its answer to its end
        long ending = System.currentTimeMillis();
        CallStatus ended = retry(() -> erin1.calls.end(callId), deadline);
        long endedResponse = System.currentTimeMillis();
        assertThat(ended.outcome()).isEqualTo("completed");
        assertThat(ended.durationMillis())
                .isGreaterThanOrEqualTo(ending - answered.answeredAt() - 1_000)
                .isLessThanOrEqualTo(endedResponse - answering + 1_000);
        assertThat(frank1.await(callId, CallFrame.ENDED).frame().longAttribute("durationMillis", -1))
                .isEqualTo(ended.durationMillis());
        CallHistory.Call call = awaitHistoryCall(frank1.device(), erin, callId);
        assertThat(call.durationMillis()).isEqualTo(ended.durationMillis());
        assertThat(call.answeredAt()).isEqualTo(answered.answeredAt());
    }

    @Test
    @Order(5)
    void shouldKeepSdpAndCandidatesOutOfKafkaPostgresRedisAndLogs() throws Exception {
        // given the calls above, whose every SDP and candidate carried the marker (the clients saw it in clear)
        MarkerScanner scanner = new MarkerScanner(MARKER, List.of());
        assertThat(scanner.files(cliOutputs))
                .as("the control: the CLI printed the decrypted marker")
                .isNotEmpty();
        Predicate<String> testTopics = name -> name.startsWith(kafka.layout().prefix())
                || name.startsWith(system.workerApplicationId)
                || name.contains("e2e-calls-");

        // when the server side is scanned
        List<String> kafkaHits = scanner.kafka(kafka, testTopics);
        List<String> postgresHits = scanner.postgres(postgres);
        List<String> redisHits = scanner.redis(redis);
        List<Path> logHits = scanner.files(system.logs());

        // then the marker is nowhere, and the scan read the call topics and the call-signaling's changelogs
        assertThat(MarkerScanner.topics(kafka, testTopics))
                .anyMatch(name -> name.equals(kafka.layout().prefix() + "call.commands"))
                .anyMatch(name -> name.equals(kafka.layout().prefix() + "call.events"))
                .anyMatch(name -> name.contains("e2e-calls-") && name.endsWith("-changelog"));
        assertThat(kafkaHits).as("Kafka records with the marker").isEmpty();
        assertThat(postgresHits).as("Postgres tables with the marker").isEmpty();
        assertThat(redisHits).as("Redis keys with the marker").isEmpty();
        assertThat(logHits).as("service logs with the marker").isEmpty();
    }

    // ---- helpers ----

    private static Object answer(CountDownLatch go, CallParty device, CallSignal ring) {
        try {
            go.await();
            return device.calls.answer(ring.frame(), "v=0\r\ns=" + MARKER + "answer\r\n");
        } catch (ProblemException problem) {
            return problem;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Retries while call-signaling is coming back (503, or 409 from a store not restored yet is not retried). */
    private static <T> T retry(java.util.function.Supplier<T> request, long deadline) throws InterruptedException {
        while (true) {
            try {
                return request.get();
            } catch (ProblemException problem) {
                if (problem.status() != 503 || System.nanoTime() > deadline) {
                    throw problem;
                }
            }
            Thread.sleep(250);
        }
    }

    private static String offer(DeviceCredentials device, int size) {
        return "{\"deviceId\": " + device.deviceId() + ", \"registrationId\": " + device.registrationId()
                + ", \"type\": 3, \"content\": \"" + Base64.getEncoder().encodeToString(new byte[size]) + "\"}";
    }

    private static String answerBody(int size) {
        return "{\"answer\": {\"type\": 2, \"content\": \""
                + Base64.getEncoder().encodeToString(new byte[size]) + "\"}}";
    }

    private static void assertProblem(HttpResponse<String> response, int status, String name) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith(PROBLEM_JSON);
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asString()).isNotBlank();
        if (name != null) {
            assertThat(problem.path("type").asString()).endsWith("/" + name);
        }
    }

    private static HttpResponse<String> put(DeviceCredentials as, String path, String body) throws Exception {
        return exchange(as, path, "PUT", body);
    }

    private static HttpResponse<String> post(DeviceCredentials as, String path, String body) throws Exception {
        return exchange(as, path, "POST", body);
    }

    private static HttpResponse<String> get(DeviceCredentials as, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(system.gateway.baseUri() + path))
                                .header("Authorization", as.basicAuthorization())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> exchange(DeviceCredentials as, String path, String method, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(system.gateway.baseUri() + path))
                .header("Authorization", as.basicAuthorization())
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (!body.isEmpty()) {
            request.header("Content-Type", "application/json");
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String awaitHistory(String profile, String with, String callId, String expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String line = null;
        while (System.nanoTime() < deadline) {
            Result history = run("call", "history", "--as", profile, "--with", with);
            line = history.out()
                    .lines()
                    .filter(l -> l.startsWith("call history " + callId + " "))
                    .findFirst()
                    .orElse(null);
            if (line != null && line.contains(expected)) {
                return line;
            }
            Thread.sleep(300);
        }
        throw new AssertionError(
                "no history line of " + callId + " with " + expected + " for " + profile + ": " + line);
    }

    private static CallHistory.Call awaitHistoryCall(DeviceCredentials as, String with, UUID callId)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (CallHistory.Call call : client.callHistory(as, with, null, 50).calls()) {
                if (call.callId().equals(callId) && call.outcome() != null) {
                    return call;
                }
            }
            Thread.sleep(300);
        }
        throw new AssertionError("call " + callId + " not ended in the history of " + as.address());
    }

    private static String first(String output, String regex) {
        Matcher matcher = Pattern.compile("^" + regex + "$", Pattern.MULTILINE).matcher(output);
        if (!matcher.find()) {
            throw new AssertionError("no line matching " + regex + " in:\n" + output);
        }
        return matcher.group(1);
    }

    private static List<String> iceSent(String output, String callId) {
        return matches(output, "call ice-sent " + callId + " \\d+ (.*)");
    }

    private static List<String> iceReceived(String output, String callId, String from) {
        return matches(output, "call ice " + callId + " \\d+ " + Pattern.quote(from) + " (.*)");
    }

    private static List<String> matches(String output, String regex) {
        Matcher matcher = Pattern.compile("^" + regex + "$", Pattern.MULTILINE).matcher(output);
        List<String> found = new ArrayList<>();
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    private static String register(String user, String profile) {
        Result result = run("register", "--user", user, "--profile", profile);
        assertThat(result.exit()).as(result.err()).isZero();
        return result.out();
    }

    private record Result(int exit, String out, String err) {}

    /** One CLI command in this JVM, on the test's profile store. */
    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = SocialinkCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--store",
                store.toString(),
                "--server",
                system.gateway.baseUri().toString()));
        int exit = commandLine.execute(all.toArray(String[]::new));
        try {
            Path output = Files.createTempFile("calls-cli", ".out");
            Files.writeString(output, out.toString());
            cliOutputs.add(output);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Result(exit, out.toString().strip(), err.toString());
    }

    /** One CLI command as its own OS process (the shaded CLI jar), its stdout and stderr in files. */
    private CliProcess cli(String... args) throws java.io.IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                cliJar().toString()));
        command.addAll(List.of(args));
        command.addAll(List.of(
                "--store",
                store.toString(),
                "--server",
                system.gateway.baseUri().toString()));
        Path out = Files.createTempFile("call-cli", ".out");
        Path err = Files.createTempFile("call-cli", ".err");
        cliOutputs.add(out);
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        CliProcess cli = new CliProcess(String.join(" ", args), process, out, err);
        processes.add(cli);
        return cli;
    }

    private static Path cliJar() throws java.io.IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(path -> path.getFileName().toString().matches("client-.*-cli\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no client CLI jar in target: run mvn package"));
        }
    }

    private CallParty party(String userId) {
        CallParty party = CallParty.online(client, userId, stores);
        parties.add(party);
        return party;
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A running CLI process. */
    private record CliProcess(String name, Process process, Path outFile, Path errFile) {

        String out() throws java.io.IOException {
            return Files.readString(outFile);
        }

        String err() {
            try {
                return Files.readString(errFile);
            } catch (java.io.IOException e) {
                return e.toString();
            }
        }

        String describe() throws java.io.IOException {
            return name + "\nstdout:\n" + out() + "\nstderr:\n" + err();
        }

        void awaitErr(String text) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                if (err().contains(text)) {
                    return;
                }
                if (!process.isAlive()) {
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            throw new AssertionError("'" + text + "' not on stderr of " + describe());
        }

        int await() throws Exception {
            if (!process.waitFor(150, TimeUnit.SECONDS)) {
                throw new AssertionError("still running: " + describe());
            }
            return process.exitValue();
        }

        void kill() {
            process.destroyForcibly();
        }
    }

    /** One device with real keys, its calls and its socket; received call signals in a queue. */
    private static final class CallParty implements AutoCloseable {

        final SecureMessenger messenger;
        final SecureCalls calls;
        private final BlockingQueue<CallSignal> signals = new LinkedBlockingQueue<>();
        private final List<CallSignal> seen = new ArrayList<>();
        private DeviceSocket socket;

        private CallParty(SecureMessenger messenger) {
            this.messenger = messenger;
            this.calls = new SecureCalls(messenger);
        }

        static CallParty online(SocialinkClient client, String userId, Path stores) {
            DeviceKeyMaterial keys = DeviceKeyMaterial.generate(5);
            DeviceCredentials credentials = client.register(userId, keys.publicKeys());
            SignalFileStore store =
                    SignalFileStore.create(stores.resolve(credentials.address() + "-" + UUID.randomUUID()), keys);
            CallParty party = new CallParty(new SecureMessenger(client, credentials, store));
            party.socket = DeviceSocket.connect(
                    client, credentials, party.calls.listener(party.signals::add, new DeviceSocketListener() {
                        @Override
                        public void onEnvelope(Envelope envelope) {}
                    }));
            return party;
        }

        DeviceCredentials device() {
            return messenger.device();
        }

        /** The first signal of the call with this event (decrypted without error when it carries content). */
        CallSignal await(UUID callId, String event) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                synchronized (seen) {
                    for (CallSignal signal : seen) {
                        if (signal.frame().callId().equals(callId)
                                && signal.event().equals(event)) {
                            assertThat(signal.error())
                                    .as("decryption of " + signal)
                                    .isNull();
                            return signal;
                        }
                    }
                }
                long left = deadline - System.nanoTime();
                CallSignal next = left <= 0 ? null : signals.poll(left, TimeUnit.NANOSECONDS);
                if (next == null) {
                    throw new AssertionError("no " + event + " of " + callId + " on " + device().address());
                }
                synchronized (seen) {
                    seen.add(next);
                }
            }
        }

        /** The texts of the call's ICE frames received so far. */
        List<String> iceTexts(UUID callId) {
            synchronized (seen) {
                signals.drainTo(seen);
                return seen.stream()
                        .filter(signal -> signal.frame().callId().equals(callId)
                                && signal.event().equals(CallFrame.ICE))
                        .map(signal -> signal.frame().longAttribute("seq", -1) + " " + signal.text())
                        .toList();
            }
        }

        /** Waits for {@code count} candidates of the call, live or polled; answers their texts by seq. */
        List<String> awaitIce(UUID callId, int count) throws InterruptedException {
            java.util.TreeMap<Long, String> bySeq = new java.util.TreeMap<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (String line : iceTexts(callId)) {
                    int space = line.indexOf(' ');
                    bySeq.put(Long.parseLong(line.substring(0, space)), line.substring(space + 1));
                }
                for (IceCandidate candidate : calls.pollIce(callId)) {
                    bySeq.put(candidate.seq(), candidate.text());
                }
                if (bySeq.size() >= count) {
                    return List.copyOf(bySeq.values());
                }
                Thread.sleep(200);
            }
            throw new AssertionError("only " + bySeq.size() + " of " + count + " candidates on " + device().address());
        }

        @Override
        public void close() {
            if (socket != null) {
                socket.close();
            }
            messenger.close();
        }
    }
}
