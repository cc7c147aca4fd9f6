package io.socialink.gateway.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import io.socialink.schemas.avro.GroupReply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** The gateway's own group rules: device coverage, Welcome recipients, group ids, replies as HTTP answers. */
class GroupRulesTest {

    @Test
    void shouldDemandEveryActiveDeviceNotYetInTheGroup() {
        // given: bob has devices 1, 2, 3; 3 is in the group already; the commit adds 1 only
        Map<String, Map<Integer, Integer>> active = Map.of("bob", Map.of(1, 11, 2, 12, 3, 13));

        // when
        Problem problem = GroupService.coverageProblem(Map.of("bob", Set.of(1)), Map.of("bob", Set.of(3)), active);

        // then
        assertThat(problem.status()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(problem.name()).isEqualTo("device-mismatch");
        assertThat(problem.extensions().get("mismatches"))
                .isEqualTo(List.of(Map.of("userId", "bob", "missingDevices", List.of(2), "extraDevices", List.of())));
        assertThat(GroupService.coverageProblem(Map.of("bob", Set.of(1, 2)), Map.of("bob", Set.of(3)), active))
                .isNull();
    }

    @Test
    void shouldDemandThatTheWelcomeAddressesExactlyTheAddedKeyPackages() {
        // given
        List<MlsFraming.Add> adds = List.of(
                new MlsFraming.Add(new DeviceAddress("bob", 1), new byte[] {1}),
                new MlsFraming.Add(new DeviceAddress("bob", 2), new byte[] {2}));

        // then
        GroupService.checkWelcome(adds, List.of(new byte[] {2}, new byte[] {1}));
        for (List<byte[]> wrong : List.of(
                List.of(new byte[] {1}),
                List.of(new byte[] {1}, new byte[] {3}),
                List.of(new byte[] {1}, new byte[] {2}, new byte[] {2}))) {
            assertThatThrownBy(() -> GroupService.checkWelcome(adds, wrong))
                    .isInstanceOf(ProblemException.class)
                    .satisfies(error -> assertThat(
                                    ((ProblemException) error).problem().name())
                            .isEqualTo("welcome-mismatch"));
        }
    }

    @Test
    void shouldTakeOnlyUnpaddedBase64UrlGroupIdsOfOneTo64Bytes() {
        assertThat(GroupIds.decode("Z3JvdXA")).isEqualTo("group".getBytes(StandardCharsets.UTF_8));
        for (String bad : new String[] {"", "Z3JvdXA=", "a+b/", "Zg=", "x", "A".repeat(87)}) {
            assertThatThrownBy(() -> GroupIds.decode(bad)).as(bad).isInstanceOf(ProblemException.class);
        }
    }

    @Test
    void shouldTurnARefusalIntoItsProblemWithEpochAndAttributes() {
        // given
        GroupReply reply = GroupReply.newBuilder()
                .setRequestId("r")
                .setGroupId("g")
                .setStatus(409)
                .setProblemType("stale-epoch")
                .setDetail("behind")
                .setEpoch(5)
                .setAttributes(Map.of("committedBy", "alice"))
                .build();

        // when
        Problem problem = GroupReplies.problem(reply);

        // then
        assertThat(problem.status()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(problem.type()).isEqualTo("https://socialink.io/problems/stale-epoch");
        assertThat(problem.detail()).isEqualTo("behind");
        assertThat(problem.extensions()).containsEntry("epoch", 5L).containsEntry("committedBy", "alice");
    }

    @Test
    void shouldLeaveTheEpochOutForAnUnknownGroup() {
        // given
        GroupReply reply = GroupReply.newBuilder()
                .setRequestId("r")
                .setGroupId("g")
                .setStatus(404)
                .setProblemType("unknown-group")
                .setEpoch(-1)
                .build();

        // then
        assertThat(GroupReplies.problem(reply).extensions()).doesNotContainKey("epoch");
    }
}
