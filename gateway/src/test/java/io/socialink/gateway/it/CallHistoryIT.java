package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.schemas.avro.CallAccepted;
import io.socialink.schemas.avro.CallEnded;
import io.socialink.schemas.avro.CallEvent;
import io.socialink.schemas.avro.CallInitiated;
import io.socialink.schemas.avro.CallMedia;
import io.socialink.schemas.avro.CallOutcome;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/** The call history projection from real CallEvent records on call.events, read through the history endpoint. */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class CallHistoryIT {

    private static final long T0 = 1_765_000_000_000L;
    private static final String PROBLEMS = "https://socialink.io/problems/";

    private static GatewayApp app;
    private static KafkaTestEnv kafka;

    @BeforeAll
    static void start(KafkaTestEnv kafkaEnv, PostgresTestEnv postgres, RedisTestEnv redis) {
        kafka = kafkaEnv;
        // no TURN configured here (the default): the TURN endpoint is unavailable
        app = GatewayApp.start(kafka, postgres, redis, Map.of());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static void produce(CallEvent... events) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
            String topic = kafka.layout().name(Topics.CALL_EVENTS);
            for (CallEvent event : events) {
                producer.send(new ProducerRecord<>(
                                topic,
                                event.getCallId().getBytes(StandardCharsets.UTF_8),
                                Topics.CALL_EVENTS.valueSerde().serializer().serialize(topic, event)))
                        .get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static CallEvent event(String callId, long at, Object payload) {
        return CallEvent.newBuilder()
                .setCallId(callId)
                .setRequestId(UUID.randomUUID().toString())
                .setActorUserId("someone")
                .setActorDeviceId(1)
                .setAt(Instant.ofEpochMilli(at))
                .setEvent(payload)
                .build();
    }

    static CallEvent initiated(String callId, Device caller, String callee, CallMedia media, long at) {
        return event(
                callId,
                at,
                CallInitiated.newBuilder()
                        .setCallerUserId(caller.userId())
                        .setCallerDeviceId(caller.deviceId())
                        .setCalleeUserId(callee)
                        .setMedia(media)
                        .setCalleeDevices(List.of(1, 2))
                        .setRingUntil(Instant.ofEpochMilli(at + 45_000))
                        .build());
    }

    static CallEvent accepted(String callId, int device, long at) {
        return event(
                callId, at, CallAccepted.newBuilder().setCalleeDeviceId(device).build());
    }

    static CallEvent ended(String callId, CallOutcome outcome, long duration, long at) {
        return event(
                callId,
                at,
                CallEnded.newBuilder()
                        .setOutcome(outcome)
                        .setDurationMillis(duration)
                        .build());
    }

    static String conversation(String a, String b) {
        return a.compareTo(b) < 0 ? a + "~" + b : b + "~" + a;
    }

    static Response awaitRead(String path, Device device, Predicate<Response> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            Response response = app.get(path, device.authorization());
            if (done.test(response) || System.nanoTime() > deadline) {
                return response;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return response;
            }
        }
    }

    static Predicate<Response> calls(int count) {
        return response ->
                response.status() == 200 && response.json().get("calls").size() == count;
    }

    static void assertProblem(Response response, int status, String type) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.problemType()).isEqualTo(PROBLEMS + type);
    }

    @Test
    void shouldProjectEachCallFromItsStartToItsEndNewestFirst() {
        // given: a completed video call, a declined call, and a call still ringing, of alice and bob
        Device alice = app.register(GatewayApp.unique("alice"), 1);
        Device bob = app.register(GatewayApp.unique("bob"), 2);
        String completed = UUID.randomUUID().toString();
        String declined = UUID.randomUUID().toString();
        String ringing = UUID.randomUUID().toString();
        String conversationId = conversation(alice.userId(), bob.userId());

        // when
        produce(
                initiated(completed, alice, bob.userId(), CallMedia.VIDEO, T0),
                accepted(completed, 2, T0 + 4_000),
                ended(completed, CallOutcome.COMPLETED, 61_000, T0 + 65_000),
                initiated(declined, bob, alice.userId(), CallMedia.AUDIO, T0 + 100_000),
                ended(declined, CallOutcome.DECLINED, 0, T0 + 103_000),
                initiated(ringing, alice, bob.userId(), CallMedia.AUDIO, T0 + 200_000));
        Response response = awaitRead("/api/v1/calls/history/" + conversationId, alice, calls(3));
        Response asCallee = app.get("/api/v1/calls/history/" + conversationId, bob.authorization());

        // then
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("conversationId").asString()).isEqualTo(conversationId);
        assertThat(body.get("nextBefore").isNull()).isTrue();
        JsonNode calls = body.get("calls");
        assertThat(calls)
                .extracting(call -> call.get("callId").asString())
                .containsExactly(ringing, declined, completed);
        assertThat(calls.get(0).toString())
                .isEqualTo("{\"callId\":\"" + ringing + "\",\"callerUserId\":\"" + alice.userId()
                        + "\",\"callerDeviceId\":" + alice.deviceId() + ",\"calleeUserId\":\"" + bob.userId()
                        + "\",\"media\":\"audio\",\"startedAt\":" + (T0 + 200_000)
                        + ",\"answeredAt\":null,\"answeredDeviceId\":null,\"endedAt\":null,\"outcome\":null,"
                        + "\"durationMillis\":null}");
        assertThat(calls.get(1).get("callerUserId").asString()).isEqualTo(bob.userId());
        assertThat(calls.get(1).get("outcome").asString()).isEqualTo("declined");
        assertThat(calls.get(1).get("endedAt").asLong()).isEqualTo(T0 + 103_000);
        assertThat(calls.get(1).get("answeredAt").isNull()).isTrue();
        assertThat(calls.get(2).get("media").asString()).isEqualTo("video");
        assertThat(calls.get(2).get("answeredAt").asLong()).isEqualTo(T0 + 4_000);
        assertThat(calls.get(2).get("answeredDeviceId").asInt()).isEqualTo(2);
        assertThat(calls.get(2).get("outcome").asString()).isEqualTo("completed");
        assertThat(calls.get(2).get("durationMillis").asLong()).isEqualTo(61_000);
        assertThat(asCallee.json()).isEqualTo(body);
    }

    @Test
    void shouldKeepARowAsItWasWhenEventsComeAgainOrLate() {
        // given: a completed call, projected
        Device alice = app.register(GatewayApp.unique("alice"), 1);
        Device bob = app.register(GatewayApp.unique("bob"), 2);
        String callId = UUID.randomUUID().toString();
        String path = "/api/v1/calls/history/" + conversation(alice.userId(), bob.userId());
        produce(
                initiated(callId, alice, bob.userId(), CallMedia.AUDIO, T0),
                accepted(callId, 1, T0 + 1_000),
                ended(callId, CallOutcome.COMPLETED, 9_000, T0 + 10_000));
        Response before = awaitRead(
                path,
                alice,
                response -> calls(1).test(response)
                        && !response.json().get("calls").get(0).get("outcome").isNull());

        // when: every event again (a consumer re-applying after a crash), then different ones for the same call, then
        // a marker call to know they were all applied
        String marker = UUID.randomUUID().toString();
        produce(
                initiated(callId, alice, bob.userId(), CallMedia.AUDIO, T0),
                accepted(callId, 1, T0 + 1_000),
                ended(callId, CallOutcome.COMPLETED, 9_000, T0 + 10_000),
                initiated(callId, bob, alice.userId(), CallMedia.VIDEO, T0 + 50_000),
                accepted(callId, 2, T0 + 51_000),
                ended(callId, CallOutcome.MISSED, 0, T0 + 60_000),
                initiated(marker, alice, bob.userId(), CallMedia.AUDIO, T0 - 1_000));
        Response after = awaitRead(path, alice, calls(2));

        // then
        assertThat(after.json().get("calls").get(0))
                .isEqualTo(before.json().get("calls").get(0));
        assertThat(after.json().get("calls").get(1).get("callId").asString()).isEqualTo(marker);
    }

    @Test
    void shouldPageWithoutRepeatingOrSkippingCallsOfTheSameMillisecond() {
        // given: seven calls, three of them started in the same millisecond
        Device alice = app.register(GatewayApp.unique("alice"), 1);
        Device bob = app.register(GatewayApp.unique("bob"), 2);
        String path = "/api/v1/calls/history/" + conversation(alice.userId(), bob.userId());
        long[] starts = {T0, T0 + 1, T0 + 2, T0 + 2, T0 + 2, T0 + 3, T0 + 4};
        List<CallEvent> events = new ArrayList<>();
        for (long start : starts) {
            events.add(initiated(UUID.randomUUID().toString(), alice, bob.userId(), CallMedia.AUDIO, start));
        }
        produce(events.toArray(CallEvent[]::new));
        Response all = awaitRead(path, alice, calls(7));

        // when: pages of three
        List<String> paged = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String query = "?limit=3";
        for (int page = 0; page < 10; page++) {
            Response response = app.get(path + query, alice.authorization());
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            response.json()
                    .get("calls")
                    .forEach(call -> paged.add(call.get("callId").asString()));
            sizes.add(response.json().get("calls").size());
            JsonNode next = response.json().get("nextBefore");
            if (next.isNull()) {
                break;
            }
            query = "?limit=3&before=" + next.asLong();
        }

        // then: every call once, newest first; the first page stops before the millisecond that goes on
        List<String> expected = new ArrayList<>();
        all.json().get("calls").forEach(call -> expected.add(call.get("callId").asString()));
        assertThat(paged).containsExactlyElementsOf(expected);
        assertThat(sizes).containsExactly(2, 3, 2);
        assertThat(all.json().get("calls"))
                .extracting(call -> call.get("startedAt").asLong())
                .containsExactly(T0 + 4, T0 + 3, T0 + 2, T0 + 2, T0 + 2, T0 + 1, T0);
    }

    @Test
    void shouldShowAConversationsCallsToItsTwoUsersOnly() {
        // given
        Device alice = app.register(GatewayApp.unique("alice"), 1);
        Device bob = app.register(GatewayApp.unique("bob"), 2);
        Device mallory = app.register(GatewayApp.unique("mallory"), 3);
        String conversationId = conversation(alice.userId(), bob.userId());

        // when / then
        assertProblem(app.get("/api/v1/calls/history/" + conversationId, mallory.authorization()), 403, "forbidden");
        assertProblem(app.get("/api/v1/calls/history/" + conversationId, null), 401, "unauthorized");
        String reversed = conversationId.substring(conversationId.indexOf('~') + 1) + "~"
                + conversationId.substring(0, conversationId.indexOf('~'));
        for (String bad : List.of(
                reversed,
                alice.userId() + "~" + alice.userId(),
                "Z3JvdXA",
                conversationId + "?limit=0",
                conversationId + "?limit=101",
                conversationId + "?limit=x",
                conversationId + "?before=0",
                conversationId + "?before=-5")) {
            assertProblem(app.get("/api/v1/calls/history/" + bad, alice.authorization()), 400, "bad-request");
        }
        Response empty = app.get("/api/v1/calls/history/" + conversationId + "?limit=100", alice.authorization());
        assertThat(empty.json().toString())
                .isEqualTo("{\"conversationId\":\"" + conversationId + "\",\"calls\":[],\"nextBefore\":null}");
    }

    @Test
    void shouldAnswerTurnUnavailableWithoutATurnServer() {
        Device alice = app.register(GatewayApp.unique("alice"), 1);
        assertProblem(app.get("/api/v1/calls/turn", alice.authorization()), 503, "turn-unavailable");
    }
}
