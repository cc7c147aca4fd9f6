package io.socialink.gateway.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.messages.DeviceSetCheck;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import io.socialink.schemas.avro.CallMedia;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The 4xx answers of the call endpoints that the gateway decides alone, before anything reaches Kafka. */
class CallRequestValidatorTest {

    private static final DeviceAddress ALICE_1 = new DeviceAddress("alice", 1);
    private static final String CONTENT = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});

    private static CallRequestBodies.Offer offer(int deviceId, int registrationId) {
        return new CallRequestBodies.Offer(deviceId, registrationId, 3, CONTENT);
    }

    private static CallRequestBodies.Initiate initiate(String callee, String media, CallRequestBodies.Offer... offers) {
        return new CallRequestBodies.Initiate(callee, media, Arrays.asList(offers));
    }

    private static void assertProblem(ThrowingCallable call, int status, String name) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.problem().status().value()).isEqualTo(status);
            assertThat(e.problem().name()).isEqualTo(name);
        });
    }

    private static String base64(int bytes) {
        return Base64.getEncoder().encodeToString(new byte[bytes]);
    }

    @Test
    void shouldAcceptAnInitiateWithOneOfferPerDevice() {
        // when
        CallRequestValidator.ValidInitiate valid =
                CallRequestValidator.initiate(ALICE_1, initiate("bob", "video", offer(1, 100), offer(2, 200)));

        // then
        assertThat(valid.calleeUserId()).isEqualTo("bob");
        assertThat(valid.media()).isEqualTo(CallMedia.VIDEO);
        assertThat(valid.offers())
                .extracting(copy -> copy.userId() + "." + copy.deviceId() + "/" + copy.registrationId())
                .containsExactly("bob.1/100", "bob.2/200");
        assertThat(valid.offers().get(0).content()).containsExactly(1, 2, 3);
        assertThat(CallRequestValidator.initiate(ALICE_1, initiate("bob", "audio", offer(1, 1)))
                        .media())
                .isEqualTo(CallMedia.AUDIO);
    }

    @Test
    void shouldRefuseMalformedInitiatesWithBadRequest() {
        List<CallRequestBodies.Initiate> bad = new ArrayList<>();
        bad.add(initiate(null, "audio", offer(1, 1)));
        bad.add(initiate("bob~carol", "audio", offer(1, 1)));
        bad.add(initiate("alice", "audio", offer(1, 1))); // a call to oneself
        bad.add(initiate("bob", "screen", offer(1, 1)));
        bad.add(initiate("bob", "AUDIO", offer(1, 1)));
        bad.add(initiate("bob", null, offer(1, 1)));
        bad.add(new CallRequestBodies.Initiate("bob", "audio", null));
        bad.add(initiate("bob", "audio", offer(1, 1), offer(1, 1))); // a device twice
        bad.add(initiate("bob", "audio", offer(0, 1)));
        bad.add(initiate("bob", "audio", offer(1, 0)));
        bad.add(initiate("bob", "audio", new CallRequestBodies.Offer(1, 1, -1, CONTENT)));
        bad.add(initiate("bob", "audio", new CallRequestBodies.Offer(null, 1, 3, CONTENT)));
        bad.add(initiate("bob", "audio", new CallRequestBodies.Offer(1, 1, 3, "not base64!")));
        bad.add(initiate("bob", "audio", new CallRequestBodies.Offer(1, 1, 3, "")));
        bad.add(initiate("bob", "audio", new CallRequestBodies.Offer(1, 1, 3, null)));
        bad.add(new CallRequestBodies.Initiate("bob", "audio", Collections.singletonList(null)));
        CallRequestBodies.Offer[] eleven = new CallRequestBodies.Offer[11];
        for (int i = 0; i < eleven.length; i++) {
            eleven[i] = offer(i + 1, 1);
        }
        bad.add(initiate("bob", "audio", eleven));
        bad.add(null);

        for (CallRequestBodies.Initiate body : bad) {
            assertProblem(() -> CallRequestValidator.initiate(ALICE_1, body), 400, "bad-request");
        }
    }

    @Test
    void shouldTakeTenOffers() {
        CallRequestBodies.Offer[] ten = new CallRequestBodies.Offer[10];
        for (int i = 0; i < ten.length; i++) {
            ten[i] = offer(i + 1, 1);
        }
        assertThat(CallRequestValidator.initiate(ALICE_1, initiate("bob", "audio", ten))
                        .offers())
                .hasSize(10);
    }

    @Test
    void shouldCheckOffersAgainstTheCalleesDevicesOnly() {
        // given: bob has devices 1 and 2; alice's other device 2 gets no offer and is not asked for
        Map<Integer, Integer> bob = Map.of(1, 100, 2, 200);
        CallRequestValidator.ValidInitiate complete =
                CallRequestValidator.initiate(ALICE_1, initiate("bob", "audio", offer(1, 100), offer(2, 200)));
        CallRequestValidator.ValidInitiate missing =
                CallRequestValidator.initiate(ALICE_1, initiate("bob", "audio", offer(1, 100), offer(3, 300)));
        CallRequestValidator.ValidInitiate stale =
                CallRequestValidator.initiate(ALICE_1, initiate("bob", "audio", offer(1, 100), offer(2, 201)));

        // when
        Problem accepted = check(complete, bob);
        Problem mismatch = check(missing, bob);
        Problem gone = check(stale, bob);
        Problem unknown = check(complete, Map.of());

        // then
        assertThat(accepted).isNull();
        assertThat(mismatch.status().value()).isEqualTo(409);
        assertThat(mismatch.name()).isEqualTo("device-mismatch");
        assertThat(mismatch.extensions().get("mismatches"))
                .isEqualTo(List.of(Map.of("userId", "bob", "missingDevices", List.of(2), "extraDevices", List.of(3))));
        assertThat(gone.status().value()).isEqualTo(410);
        assertThat(gone.name()).isEqualTo("stale-devices");
        assertThat(gone.extensions().get("stale"))
                .isEqualTo(List.of(Map.of("userId", "bob", "staleDevices", List.of(2))));
        assertThat(unknown.status().value()).isEqualTo(404);
        assertThat(unknown.name()).isEqualTo("unknown-user");
    }

    @Test
    void shouldRefuseAnOfferOverSixtyFourKibibytesAfterTheDeviceChecks() {
        // given
        CallRequestValidator.ValidInitiate limit = CallRequestValidator.initiate(
                ALICE_1, initiate("bob", "video", new CallRequestBodies.Offer(1, 100, 3, base64(65_536))));
        CallRequestValidator.ValidInitiate over = CallRequestValidator.initiate(
                ALICE_1, initiate("bob", "video", new CallRequestBodies.Offer(1, 100, 3, base64(65_537))));

        // when
        Problem atLimit = check(limit, Map.of(1, 100));
        Problem tooLarge = check(over, Map.of(1, 100));
        Problem overAndUnknownDevice = check(over, Map.of(2, 200));

        // then
        assertThat(atLimit).isNull();
        assertThat(tooLarge.status().value()).isEqualTo(413);
        assertThat(tooLarge.name()).isEqualTo("payload-too-large");
        assertThat(overAndUnknownDevice.name()).isEqualTo("device-mismatch");
    }

    private static Problem check(CallRequestValidator.ValidInitiate initiate, Map<Integer, Integer> calleeDevices) {
        return DeviceSetCheck.checkDestinationOnly(
                initiate.calleeUserId(), initiate.offers(), calleeDevices, CallRequestValidator.MAX_SDP_BYTES);
    }

    @Test
    void shouldBoundAnswersAtSixtyFourKibibytes() {
        // when
        CallRequestValidator.ValidPayload answer = CallRequestValidator.answer(
                new CallRequestBodies.Answer(new CallRequestBodies.Payload(3, base64(65_536))));

        // then
        assertThat(answer.type()).isEqualTo(3);
        assertThat(answer.content()).hasSize(65_536);
        assertProblem(
                () -> CallRequestValidator.answer(
                        new CallRequestBodies.Answer(new CallRequestBodies.Payload(3, base64(65_537)))),
                413,
                "payload-too-large");
        for (CallRequestBodies.Answer bad : new CallRequestBodies.Answer[] {
            null,
            new CallRequestBodies.Answer(null),
            new CallRequestBodies.Answer(new CallRequestBodies.Payload(null, CONTENT)),
            new CallRequestBodies.Answer(new CallRequestBodies.Payload(-1, CONTENT)),
            new CallRequestBodies.Answer(new CallRequestBodies.Payload(3, "%%%")),
            new CallRequestBodies.Answer(new CallRequestBodies.Payload(3, null))
        }) {
            assertProblem(() -> CallRequestValidator.answer(bad), 400, "bad-request");
        }
    }

    @Test
    void shouldTakeOneToThirtyTwoCandidatesOfAtMostFourKibibytes() {
        // given
        List<CallRequestBodies.Payload> thirtyTwo = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            thirtyTwo.add(new CallRequestBodies.Payload(3, base64(4_096)));
        }
        List<CallRequestBodies.Payload> thirtyThree = new ArrayList<>(thirtyTwo);
        thirtyThree.add(new CallRequestBodies.Payload(3, CONTENT));

        // when
        List<CallRequestValidator.ValidPayload> valid =
                CallRequestValidator.candidates(new CallRequestBodies.Ice(thirtyTwo));

        // then
        assertThat(valid).hasSize(32);
        assertProblem(
                () -> CallRequestValidator.candidates(new CallRequestBodies.Ice(thirtyThree)), 400, "bad-request");
        assertProblem(() -> CallRequestValidator.candidates(new CallRequestBodies.Ice(List.of())), 400, "bad-request");
        assertProblem(() -> CallRequestValidator.candidates(new CallRequestBodies.Ice(null)), 400, "bad-request");
        assertProblem(() -> CallRequestValidator.candidates(null), 400, "bad-request");
        assertProblem(
                () -> CallRequestValidator.candidates(new CallRequestBodies.Ice(Collections.singletonList(null))),
                400,
                "bad-request");
        assertProblem(
                () -> CallRequestValidator.candidates(new CallRequestBodies.Ice(List.of(
                        new CallRequestBodies.Payload(3, CONTENT), new CallRequestBodies.Payload(3, base64(4_097))))),
                413,
                "payload-too-large");
    }

    @Test
    void shouldTakeOnlyCanonicalUuidsAsCallIds() {
        assertThat(CallRequestValidator.callId("0f8fad5b-d9cb-469f-a165-70867728950e"))
                .isEqualTo("0f8fad5b-d9cb-469f-a165-70867728950e");
        assertThat(CallRequestValidator.callId("0F8FAD5B-D9CB-469F-A165-70867728950E"))
                .isEqualTo("0f8fad5b-d9cb-469f-a165-70867728950e");
        for (String bad : new String[] {
            "",
            "call-1",
            "1-1-1-1-1",
            "0f8fad5b-d9cb-469f-a165-70867728950",
            "0f8fad5bd9cb469fa16570867728950e",
            "0f8fad5b-d9cb-469f-a165-70867728950e0",
            "0f8fad5b-d9cb-469f-a165-70867728950g"
        }) {
            assertProblem(() -> CallRequestValidator.callId(bad), 400, "bad-request");
        }
    }

    @Test
    void shouldBoundTheQueryParameters() {
        assertThat(CallRequestValidator.after(null)).isZero();
        assertThat(CallRequestValidator.after("17")).isEqualTo(17);
        assertThat(CallRequestValidator.historyLimit(null)).isEqualTo(50);
        assertThat(CallRequestValidator.historyLimit("1")).isEqualTo(1);
        assertThat(CallRequestValidator.historyLimit("100")).isEqualTo(100);
        assertThat(CallRequestValidator.historyBefore(null)).isNull();
        assertThat(CallRequestValidator.historyBefore("1765000000000")).isEqualTo(1_765_000_000_000L);
        for (String bad : new String[] {"", "-1", "+1", "1.5", "x", "99999999999999999999", " 1"}) {
            assertProblem(() -> CallRequestValidator.after(bad), 400, "bad-request");
            assertProblem(() -> CallRequestValidator.historyBefore(bad), 400, "bad-request");
        }
        for (String bad : new String[] {"0", "101", "-5", "", "ten", "1e2"}) {
            assertProblem(() -> CallRequestValidator.historyLimit(bad), 400, "bad-request");
        }
        assertProblem(() -> CallRequestValidator.historyBefore("0"), 400, "bad-request");
    }
}
