package io.socialink.calls.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.socialink.calls.config.CallSettings;
import io.socialink.schemas.avro.AnswerCall;
import io.socialink.schemas.avro.CallAccepted;
import io.socialink.schemas.avro.CallCommand;
import io.socialink.schemas.avro.CallEnded;
import io.socialink.schemas.avro.CallEvent;
import io.socialink.schemas.avro.CallInitiated;
import io.socialink.schemas.avro.CallMedia;
import io.socialink.schemas.avro.CallMetadata;
import io.socialink.schemas.avro.CallOutcome;
import io.socialink.schemas.avro.CallPayload;
import io.socialink.schemas.avro.CallPhase;
import io.socialink.schemas.avro.CallReply;
import io.socialink.schemas.avro.DeclineCall;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.EndCall;
import io.socialink.schemas.avro.InitiateCall;
import io.socialink.schemas.avro.ReadIce;
import io.socialink.schemas.avro.RelayIce;
import io.socialink.schemas.avro.StoredCandidate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The call state machine through the real topology (TopologyTestDriver, exactly-once as the app runs it): one test
 * per transition and per rule of docs/architecture.md, "Calls". alice.1 calls bob, whose devices are 1 and 2; alice
 * also has device 2.
 */
class CallSignalingTopologyTest {

    private static final Duration RING = Duration.ofSeconds(45);

    @TempDir
    Path stateDir;

    private CallSignalingDriver driver;
    private final String callId = UUID.randomUUID().toString();

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private CallSignalingDriver start(CallSettings settings) {
        driver = new CallSignalingDriver(settings, stateDir);
        return driver;
    }

    private CallSignalingDriver start() {
        return start(CallSettings.defaults());
    }

    private static CallSettings withMaxCandidates(int max) {
        CallSettings d = CallSettings.defaults();
        return new CallSettings(
                d.applicationId(),
                d.stateDir(),
                d.streamThreads(),
                d.commitInterval(),
                d.ringTimeout(),
                d.maxDuration(),
                d.endedRetention(),
                d.timeoutCheckInterval(),
                max,
                d.sessionTimeout(),
                d.instanceId(),
                d.standbyReplicas());
    }

    static CallCommand command(String callId, String actor, Object body) {
        String[] address = actor.split("\\.");
        return CallCommand.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setCallId(callId)
                .setActorUserId(address[0])
                .setActorDeviceId(Integer.parseInt(address[1]))
                .setReplyPartition(0)
                .setIssuedAt(CallSignalingDriver.START)
                .setCommand(body)
                .build();
    }

    static CallPayload payload(int device, String text) {
        return CallPayload.newBuilder()
                .setDeviceId(device)
                .setCiphertextType(2)
                .setContent(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)))
                .build();
    }

    private static InitiateCall initiate(String callee, int... devices) {
        List<CallPayload> offers = new ArrayList<>();
        for (int device : devices) {
            offers.add(payload(device, "offer for " + callee + "." + device));
        }
        return InitiateCall.newBuilder()
                .setCalleeUserId(callee)
                .setMedia(CallMedia.VIDEO)
                .setOffers(offers)
                .setCallerDevices(List.of(1, 2))
                .setRingMillis(RING.toMillis())
                .build();
    }

    private CallReply call() {
        return driver.send(command(callId, "alice.1", initiate("bob", 1, 2)));
    }

    private CallReply answer(String device) {
        return driver.send(command(
                callId,
                device,
                AnswerCall.newBuilder()
                        .setAnswer(payload(0, "answer from " + device))
                        .build()));
    }

    private CallReply relay(String device, int count) {
        List<CallPayload> candidates = IntStream.range(0, count)
                .mapToObj(i -> payload(0, "candidate " + i + " from " + device))
                .toList();
        return driver.send(command(
                callId, device, RelayIce.newBuilder().setCandidates(candidates).build()));
    }

    private static String text(ByteBuffer content) {
        return StandardCharsets.UTF_8.decode(content.duplicate()).toString();
    }

    private static String event(Delivery delivery) {
        return delivery.getEvent().getAttributes().get("event");
    }

    private static String ringId(String callId) {
        return UUID.nameUUIDFromBytes((callId + ":ring").getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    @Test
    void shouldRingEveryCalleeDeviceWithItsOwnOfferUntilTheRingTimeout() {
        start();

        CallReply reply = call();

        assertThat(reply.getStatus()).isEqualTo(201);
        assertThat(reply.getState()).isEqualTo("ringing");
        long ringUntil = CallSignalingDriver.START.plus(RING).toEpochMilli();
        assertThat(reply.getAttributes()).containsEntry("ringUntil", Long.toString(ringUntil));
        List<TestRecord<String, Delivery>> rings = driver.deliveries();
        assertThat(rings).extracting(TestRecord::key).containsExactly("bob.1", "bob.2");
        for (TestRecord<String, Delivery> ring : rings) {
            Delivery copy = ring.value();
            assertThat(event(copy)).isEqualTo("ring");
            assertThat(copy.getEphemeral()).isFalse();
            assertThat(copy.getExpiresAt()).isEqualTo(Instant.ofEpochMilli(ringUntil));
            assertThat(copy.getMessageId()).isEqualTo(ringId(callId));
            assertThat(text(copy.getContent())).isEqualTo("offer for " + ring.key());
            assertThat(copy.getEvent().getAttributes())
                    .containsEntry("callId", callId)
                    .containsEntry("callerUserId", "alice")
                    .containsEntry("callerDeviceId", "1")
                    .containsEntry("calleeUserId", "bob")
                    .containsEntry("media", "video");
        }
        assertThat(driver.events())
                .extracting(CallEvent::getEvent)
                .singleElement()
                .isInstanceOf(CallInitiated.class);
        assertThat(driver.metadata()).extracting(CallMetadata::getKind).containsExactly("initiated");
        assertThat(driver.state(callId).getPhase()).isEqualTo(CallPhase.RINGING);
    }

    @Test
    void shouldLetOnlyTheFirstAnswerWinAndStopTheRingOnEveryOtherDevice() {
        start();
        call();
        driver.drain();

        CallReply first = answer("bob.2");
        List<TestRecord<String, Delivery>> copies = driver.deliveries();
        CallReply second = answer("bob.1");

        assertThat(first.getStatus()).isEqualTo(200);
        assertThat(first.getState()).isEqualTo("accepted");
        assertThat(first.getAttributes()).containsKey("answeredAt");
        assertThat(second.getStatus()).isEqualTo(409);
        assertThat(second.getProblemType()).isEqualTo("call-not-ringing");
        assertThat(copies)
                .extracting(TestRecord::key, record -> event(record.value()))
                .containsExactly(
                        tuple("alice.1", "accepted"),
                        tuple("bob.1", "answered-elsewhere"),
                        tuple("alice.2", "answered-elsewhere"));
        Delivery accepted = copies.get(0).value();
        assertThat(text(accepted.getContent())).isEqualTo("answer from bob.2");
        assertThat(accepted.getSenderUserId()).isEqualTo("bob");
        assertThat(accepted.getSenderDeviceId()).isEqualTo(2);
        assertThat(copies.get(1).value().getEvent().getAttributes())
                .containsEntry("targetMessageId", ringId(callId))
                .containsEntry("answeredDeviceId", "2");
        assertThat(driver.deliveries()).as("the losing answer changes nothing").isEmpty();
        assertThat(driver.state(callId).getAnsweredDeviceId()).isEqualTo(2);
        assertThat(driver.events())
                .extracting(CallEvent::getEvent)
                .singleElement()
                .isInstanceOf(CallAccepted.class);
        assertThat(driver.line("alice")).isEqualTo(callId);
        assertThat(driver.line("bob")).isEqualTo(callId);
    }

    @Test
    void shouldEndARingingCallAsMissedOnEveryDeviceAtTheRingTimeout() {
        start();
        call();
        driver.drain();

        driver.advance(RING.minusSeconds(2));
        assertThat(driver.deliveries()).isEmpty();
        driver.advance(Duration.ofSeconds(3));

        assertThat(driver.deliveries())
                .extracting(TestRecord::key, record -> event(record.value()))
                .containsExactlyInAnyOrder(
                        tuple("bob.1", "missed"), tuple("bob.2", "missed"), tuple("alice.1", "missed"));
        assertThat(driver.events()).singleElement().satisfies(event -> assertThat(
                        ((CallEnded) event.getEvent()).getOutcome())
                .isEqualTo(CallOutcome.MISSED));
        assertThat(driver.metadata()).singleElement().satisfies(metadata -> {
            assertThat(metadata.getOutcome()).isEqualTo("missed");
            assertThat(metadata.getRingMillis()).isGreaterThanOrEqualTo(RING.toMillis());
        });
        CallReply late = answer("bob.1");
        assertThat(late.getStatus()).isEqualTo(409);
        assertThat(late.getProblemType()).isEqualTo("call-not-ringing");
        assertThat(late.getOutcome()).isEqualTo("missed");
    }

    @Test
    void shouldRingForTheShorterOfTheRequestedAndTheConfiguredTimeout() {
        start();
        InitiateCall shortRing = initiate("bob", 1);
        shortRing.setRingMillis(4_000);

        CallReply reply = driver.send(command(callId, "alice.1", shortRing));
        driver.advance(Duration.ofSeconds(5));

        assertThat(reply.getAttributes())
                .containsEntry("ringUntil", Long.toString(CallSignalingDriver.START.toEpochMilli() + 4_000));
        assertThat(driver.state(callId).getOutcome()).isEqualTo(CallOutcome.MISSED);
    }

    @Test
    void shouldCancelACallTheCallerHangsUpBeforeAnAnswer() {
        start();
        call();
        driver.drain();

        CallReply byCallee = driver.send(command(callId, "bob.1", new EndCall()));
        CallReply byOtherCallerDevice = driver.send(command(callId, "alice.2", new EndCall()));
        CallReply byCaller = driver.send(command(callId, "alice.1", new EndCall()));

        assertThat(byCallee.getStatus()).isEqualTo(409);
        assertThat(byCallee.getProblemType()).isEqualTo("call-not-accepted");
        assertThat(byOtherCallerDevice.getStatus()).isEqualTo(403);
        assertThat(byOtherCallerDevice.getProblemType()).isEqualTo("not-in-call");
        assertThat(byCaller.getStatus()).isEqualTo(200);
        assertThat(byCaller.getOutcome()).isEqualTo("cancelled");
        assertThat(driver.deliveries())
                .extracting(TestRecord::key, record -> event(record.value()))
                .containsExactly(tuple("bob.1", "cancelled"), tuple("bob.2", "cancelled"));
        CallReply answer = answer("bob.1");
        assertThat(answer.getStatus()).isEqualTo(409);
    }

    @Test
    void shouldEndADeclinedCallAndTellTheCallerAndTheOtherRingingDevices() {
        start();
        call();
        driver.drain();

        CallReply declined = driver.send(command(callId, "bob.1", new DeclineCall()));
        CallReply again = driver.send(command(callId, "bob.2", new DeclineCall()));

        assertThat(declined.getStatus()).isEqualTo(200);
        assertThat(declined.getState()).isEqualTo("ended");
        assertThat(declined.getOutcome()).isEqualTo("declined");
        assertThat(again.getStatus()).isEqualTo(409);
        assertThat(driver.deliveries())
                .extracting(TestRecord::key, record -> event(record.value()))
                .containsExactly(tuple("alice.1", "declined"), tuple("bob.2", "declined"));
        assertThat(driver.metadata()).extracting(CallMetadata::getOutcome).containsExactly("declined");
    }

    @Test
    void shouldRefuseADeclineByTheCaller() {
        start();
        call();

        CallReply reply = driver.send(command(callId, "alice.1", new DeclineCall()));

        assertThat(reply.getStatus()).isEqualTo(403);
        assertThat(driver.state(callId).getPhase()).isEqualTo(CallPhase.RINGING);
    }

    @Test
    void shouldEndAnAcceptedCallFromEitherSideWithItsDurationAndFreeBothLines() {
        for (String side : List.of("alice.1", "bob.2")) {
            String id = UUID.randomUUID().toString();
            CallSignalingDriver calls = driver == null ? start() : driver;
            calls.send(command(id, "alice.1", initiate("bob", 1, 2)));
            calls.send(command(
                    id,
                    "bob.2",
                    AnswerCall.newBuilder().setAnswer(payload(0, "answer")).build()));
            calls.drain();
            calls.advance(Duration.ofSeconds(90));

            CallReply ended = calls.send(command(id, side, new EndCall()));
            CallReply again = calls.send(command(id, side, new EndCall()));

            assertThat(ended.getStatus()).isEqualTo(200);
            assertThat(ended.getOutcome()).isEqualTo("completed");
            assertThat(ended.getAttributes()).containsEntry("durationMillis", "90000");
            String peer = side.equals("alice.1") ? "bob.2" : "alice.1";
            assertThat(calls.deliveries()).singleElement().satisfies(copy -> {
                assertThat(copy.key()).isEqualTo(peer);
                assertThat(event(copy.value())).isEqualTo("ended");
                assertThat(copy.value().getEvent().getAttributes())
                        .containsEntry("durationMillis", "90000")
                        .containsEntry("endedBy", side);
            });
            assertThat(calls.events()).singleElement().satisfies(event -> assertThat(
                            ((CallEnded) event.getEvent()).getDurationMillis())
                    .isEqualTo(90_000));
            assertThat(calls.lines())
                    .extracting(TestRecord::key, TestRecord::value)
                    .containsExactlyInAnyOrder(tuple("alice", null), tuple("bob", null));
            assertThat(calls.line("alice")).isNull();
            assertThat(again.getStatus()).isEqualTo(409);
            assertThat(again.getProblemType()).isEqualTo("call-ended");
        }
    }

    @Test
    void shouldNotLetADeviceThatDidNotAnswerEndTheAcceptedCall() {
        start();
        call();
        answer("bob.2");

        CallReply reply = driver.send(command(callId, "bob.1", new EndCall()));

        assertThat(reply.getStatus()).isEqualTo(403);
        assertThat(driver.state(callId).getPhase()).isEqualTo(CallPhase.ACCEPTED);
    }

    @Test
    void shouldRelayCandidatesOnlyBetweenTheCallsTwoDevicesLiveAndKeepThemForPolling() {
        start();
        call();
        CallReply beforeAnswer = relay("alice.1", 1);
        answer("bob.2");
        driver.drain();

        CallReply fromCaller = relay("alice.1", 2);
        List<TestRecord<String, Delivery>> live = driver.deliveries();
        CallReply fromCallee = relay("bob.2", 1);
        CallReply fromOtherCalleeDevice = relay("bob.1", 1);
        CallReply fromOtherCallerDevice = relay("alice.2", 1);
        CallReply fromStranger = relay("carol.1", 1);

        assertThat(beforeAnswer.getStatus()).isEqualTo(409);
        assertThat(beforeAnswer.getProblemType()).isEqualTo("call-not-accepted");
        assertThat(fromCaller.getStatus()).isEqualTo(200);
        assertThat(fromCaller.getAttributes()).containsEntry("first", "1").containsEntry("last", "2");
        assertThat(live).extracting(TestRecord::key).containsExactly("bob.2", "bob.2");
        assertThat(live).allSatisfy(copy -> {
            assertThat(copy.value().getEphemeral()).isTrue();
            assertThat(event(copy.value())).isEqualTo("ice");
        });
        assertThat(text(live.get(1).value().getContent())).isEqualTo("candidate 1 from alice.1");
        assertThat(live.get(1).value().getEvent().getAttributes()).containsEntry("seq", "2");
        assertThat(fromCallee.getAttributes()).containsEntry("first", "3");
        assertThat(fromOtherCalleeDevice.getStatus()).isEqualTo(403);
        assertThat(fromOtherCallerDevice.getStatus()).isEqualTo(403);
        assertThat(fromStranger.getStatus()).isEqualTo(403);
        assertThat(fromStranger.getProblemType()).isEqualTo("not-in-call");

        CallReply bobReads = driver.send(
                command(callId, "bob.2", ReadIce.newBuilder().setAfter(0).build()));
        CallReply bobReadsOn = driver.send(
                command(callId, "bob.2", ReadIce.newBuilder().setAfter(2).build()));
        CallReply aliceReads = driver.send(
                command(callId, "alice.1", ReadIce.newBuilder().setAfter(0).build()));
        CallReply otherReads = driver.send(
                command(callId, "bob.1", ReadIce.newBuilder().setAfter(0).build()));
        assertThat(bobReads.getCandidates()).extracting(StoredCandidate::getSeq).containsExactly(1L, 2L);
        assertThat(bobReads.getAttributes()).containsEntry("cursor", "2");
        assertThat(bobReadsOn.getCandidates()).isEmpty();
        assertThat(bobReadsOn.getAttributes()).containsEntry("cursor", "2");
        assertThat(aliceReads.getCandidates())
                .singleElement()
                .satisfies(candidate -> assertThat(text(candidate.getContent())).isEqualTo("candidate 0 from bob.2"));
        assertThat(otherReads.getStatus()).isEqualTo(403);
    }

    @Test
    void shouldRefuseCandidatesBeyondTheLimitWithoutKeepingAny() {
        start(withMaxCandidates(4));
        call();
        answer("bob.2");
        relay("alice.1", 3);

        CallReply reply = relay("bob.2", 2);

        assertThat(reply.getStatus()).isEqualTo(413);
        assertThat(reply.getProblemType()).isEqualTo("too-many-candidates");
        assertThat(driver.state(callId).getCandidates()).hasSize(3);
    }

    @Test
    void shouldEndACallToOrFromAUserInAnAcceptedCallAsBusyWithoutRinging() {
        start();
        call();
        answer("bob.1");
        driver.drain();

        String second = UUID.randomUUID().toString();
        CallReply toBusy = driver.send(command(second, "carol.1", initiate("bob", 1, 2)));
        String third = UUID.randomUUID().toString();
        CallReply fromBusy = driver.send(command(third, "alice.2", initiate("carol", 1)));

        assertThat(toBusy.getStatus()).isEqualTo(201);
        assertThat(toBusy.getState()).isEqualTo("ended");
        assertThat(toBusy.getOutcome()).isEqualTo("busy");
        assertThat(fromBusy.getOutcome()).isEqualTo("busy");
        assertThat(driver.deliveries()).as("nothing rings").isEmpty();
        assertThat(driver.metadata()).extracting(CallMetadata::getOutcome).containsExactly("busy", "busy");

        // once the first call ends, bob can be called again
        driver.send(command(callId, "alice.1", new EndCall()));
        driver.drain();
        CallReply afterwards = driver.send(command(UUID.randomUUID().toString(), "carol.1", initiate("bob", 1, 2)));
        assertThat(afterwards.getState()).isEqualTo("ringing");
        assertThat(driver.deliveries()).hasSize(2);
    }

    @Test
    void shouldAnswerUnknownCallsWrongUsersAndMisroutedCommandsWithoutChangingAnything() {
        start();
        call();
        driver.drain();

        CallReply unknown = driver.send(command(UUID.randomUUID().toString(), "bob.1", new DeclineCall()));
        CallReply stranger = driver.send(command(callId, "carol.1", new EndCall()));
        CallReply callerAnswers = driver.send(command(
                callId,
                "alice.1",
                AnswerCall.newBuilder().setAnswer(payload(0, "x")).build()));
        CallReply unrungDevice = driver.send(command(
                callId,
                "bob.3",
                AnswerCall.newBuilder().setAnswer(payload(0, "x")).build()));
        CallReply misrouted = driver.send("another-key", command(callId, "bob.1", new DeclineCall()));
        CallReply again = driver.send(command(callId, "alice.1", initiate("bob", 1)));

        assertThat(unknown.getStatus()).isEqualTo(404);
        assertThat(unknown.getProblemType()).isEqualTo("unknown-call");
        assertThat(stranger.getStatus()).isEqualTo(403);
        assertThat(callerAnswers.getStatus()).isEqualTo(403);
        assertThat(unrungDevice.getStatus()).isEqualTo(403);
        assertThat(misrouted.getStatus()).isEqualTo(400);
        assertThat(again.getStatus()).isEqualTo(409);
        assertThat(driver.deliveries()).isEmpty();
        assertThat(driver.events()).isEmpty();
        assertThat(driver.state(callId).getPhase()).isEqualTo(CallPhase.RINGING);
    }

    @Test
    void shouldForgetAnEndedCallAfterItsRetention() {
        start();
        call();
        driver.send(command(callId, "bob.1", new DeclineCall()));

        driver.advance(Duration.ofMinutes(9));
        assertThat(driver.send(command(callId, "bob.2", new DeclineCall())).getStatus())
                .isEqualTo(409);
        driver.advance(Duration.ofMinutes(2));

        assertThat(driver.state(callId)).isNull();
        assertThat(driver.send(command(callId, "bob.2", new DeclineCall())).getStatus())
                .isEqualTo(404);
    }

    @Test
    void shouldEndAnAcceptedCallNobodyEndsAfterTheLongestDuration() {
        start();
        call();
        answer("bob.1");
        driver.drain();

        driver.advance(Duration.ofHours(12).plusSeconds(2));

        assertThat(driver.deliveries())
                .extracting(TestRecord::key, record -> event(record.value()))
                .containsExactlyInAnyOrder(tuple("alice.1", "ended"), tuple("bob.1", "ended"));
        assertThat(driver.state(callId).getOutcome()).isEqualTo(CallOutcome.COMPLETED);
        assertThat(driver.line("bob")).isNull();
    }
}
