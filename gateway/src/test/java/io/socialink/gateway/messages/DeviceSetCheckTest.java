package io.socialink.gateway.messages;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceSetCheckTest {

    private static final DeviceAddress ALICE_1 = new DeviceAddress("alice", 1);

    private static Copy copy(String user, int device, int registrationId) {
        return new Copy(user, device, registrationId, 3, new byte[] {1, 2, 3});
    }

    private static ValidSend send(String destination, Copy... copies) {
        return new ValidSend(ALICE_1, destination, "key", List.of(copies));
    }

    @Test
    void shouldAcceptOneCopyPerDestinationDeviceAndSendersOtherDevices() {
        // given
        Map<String, Map<Integer, Integer>> devices = Map.of(
                "bob", Map.of(1, 100, 2, 200),
                "alice", Map.of(1, 10, 2, 20));
        ValidSend send = send("bob", copy("bob", 1, 100), copy("bob", 2, 200), copy("alice", 2, 20));

        // when
        Problem problem = DeviceSetCheck.check(send, devices);

        // then
        assertThat(problem).isNull();
    }

    @Test
    void shouldAnswerUnknownUserWhenDestinationHasNoActiveDevice() {
        // given
        Map<String, Map<Integer, Integer>> devices = Map.of("bob", Map.of(), "alice", Map.of(1, 10));

        // when
        Problem problem = DeviceSetCheck.check(send("bob", copy("bob", 1, 100)), devices);

        // then
        assertThat(problem.name()).isEqualTo("unknown-user");
        assertThat(problem.status().value()).isEqualTo(404);
    }

    @Test
    void shouldListMissingAndExtraDevicesPerUser() {
        // given
        Map<String, Map<Integer, Integer>> devices = Map.of(
                "bob", Map.of(1, 100, 2, 200),
                "alice", Map.of(1, 10, 3, 30));
        ValidSend send = send("bob", copy("bob", 1, 100), copy("bob", 7, 700));

        // when
        Problem problem = DeviceSetCheck.check(send, devices);

        // then
        assertThat(problem.name()).isEqualTo("device-mismatch");
        assertThat(problem.status().value()).isEqualTo(409);
        assertThat(problem.body().get("mismatches"))
                .isEqualTo(List.of(
                        Map.of("userId", "bob", "missingDevices", List.of(2), "extraDevices", List.of(7)),
                        Map.of("userId", "alice", "missingDevices", List.of(3), "extraDevices", List.of())));
    }

    @Test
    void shouldTreatACopyForTheSendingDeviceItselfAsExtra() {
        // given
        Map<String, Map<Integer, Integer>> devices = Map.of("bob", Map.of(1, 100), "alice", Map.of(1, 10));
        ValidSend send = send("bob", copy("bob", 1, 100), copy("alice", 1, 10));

        // when
        Problem problem = DeviceSetCheck.check(send, devices);

        // then
        assertThat(problem.name()).isEqualTo("device-mismatch");
        assertThat(problem.body().get("mismatches"))
                .isEqualTo(List.of(Map.of("userId", "alice", "missingDevices", List.of(), "extraDevices", List.of(1))));
    }

    @Test
    void shouldCoverOnlyTheSendersOtherDevicesInNoteToSelf() {
        // given
        Map<String, Map<Integer, Integer>> devices = Map.of("alice", Map.of(1, 10, 2, 20, 3, 30));

        // when
        Problem accepted = DeviceSetCheck.check(send("alice", copy("alice", 2, 20), copy("alice", 3, 30)), devices);
        Problem missing = DeviceSetCheck.check(send("alice", copy("alice", 2, 20)), devices);

        // then
        assertThat(accepted).isNull();
        assertThat(missing.body().get("mismatches"))
                .isEqualTo(List.of(Map.of("userId", "alice", "missingDevices", List.of(3), "extraDevices", List.of())));
    }

    @Test
    void shouldAcceptAnEmptyNoteToSelfFromAUsersOnlyDevice() {
        // given
        Map<String, Map<Integer, Integer>> devices = Map.of("alice", Map.of(1, 10));

        // when
        Problem problem = DeviceSetCheck.check(send("alice"), devices);

        // then
        assertThat(problem).isNull();
    }

    @Test
    void shouldListStaleDevicesWhenRegistrationIdsDiffer() {
        // given
        Map<String, Map<Integer, Integer>> devices = Map.of(
                "bob", Map.of(1, 100, 2, 200),
                "alice", Map.of(1, 10, 2, 20));
        ValidSend send = send("bob", copy("bob", 1, 100), copy("bob", 2, 201), copy("alice", 2, 21));

        // when
        Problem problem = DeviceSetCheck.check(send, devices);

        // then
        assertThat(problem.name()).isEqualTo("stale-devices");
        assertThat(problem.status().value()).isEqualTo(410);
        assertThat(problem.body().get("stale"))
                .isEqualTo(List.of(
                        Map.of("userId", "bob", "staleDevices", List.of(2)),
                        Map.of("userId", "alice", "staleDevices", List.of(2))));
    }

    @Test
    void shouldReportMismatchBeforeStaleness() {
        // given
        Map<String, Map<Integer, Integer>> devices = Map.of("bob", Map.of(1, 100, 2, 200), "alice", Map.of(1, 10));
        ValidSend send = send("bob", copy("bob", 1, 999));

        // when
        Problem problem = DeviceSetCheck.check(send, devices);

        // then
        assertThat(problem.name()).isEqualTo("device-mismatch");
    }

    @Test
    void shouldRejectACopyOverTheSizeLimitOnlyAfterTheDeviceChecks() {
        // given
        Map<String, Map<Integer, Integer>> devices = Map.of("bob", Map.of(1, 100), "alice", Map.of(1, 10));
        Copy large = new Copy("bob", 1, 100, 3, new byte[DeviceSetCheck.MAX_CONTENT_BYTES + 1]);
        Copy largeAndStale = new Copy("bob", 1, 101, 3, new byte[DeviceSetCheck.MAX_CONTENT_BYTES + 1]);
        Copy atLimit = new Copy("bob", 1, 100, 3, new byte[DeviceSetCheck.MAX_CONTENT_BYTES]);

        // when
        Problem tooLarge = DeviceSetCheck.check(send("bob", large), devices);
        Problem stale = DeviceSetCheck.check(send("bob", largeAndStale), devices);
        Problem accepted = DeviceSetCheck.check(send("bob", atLimit), devices);

        // then
        assertThat(tooLarge.name()).isEqualTo("payload-too-large");
        assertThat(tooLarge.status().value()).isEqualTo(413);
        assertThat(stale.name()).isEqualTo("stale-devices");
        assertThat(accepted).isNull();
    }
}
