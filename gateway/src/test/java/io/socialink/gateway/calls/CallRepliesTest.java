package io.socialink.gateway.calls;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.problem.Problem;
import io.socialink.schemas.avro.CallReply;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallRepliesTest {

    private static CallReply.Builder reply(int status) {
        return CallReply.newBuilder()
                .setRequestId("r")
                .setCallId("0f8fad5b-d9cb-469f-a165-70867728950e")
                .setStatus(status);
    }

    @Test
    void shouldTurnARefusalIntoItsProblemWithTheCallsState() {
        // when
        Problem problem = CallReplies.problem(reply(409)
                .setProblemType("call-not-ringing")
                .setDetail("the call was answered")
                .setState("accepted")
                .setAttributes(Map.of("answeredAt", "1765000001000"))
                .build());

        // then
        assertThat(problem.status().value()).isEqualTo(409);
        assertThat(problem.name()).isEqualTo("call-not-ringing");
        assertThat(problem.detail()).isEqualTo("the call was answered");
        assertThat(problem.extensions())
                .containsEntry("state", "accepted")
                .containsEntry("answeredAt", "1765000001000")
                .doesNotContainKey("outcome");
    }

    @Test
    void shouldCountARefusalWithoutAnErrorStatusAsTheServicesFault() {
        Problem problem = CallReplies.problem(reply(302).build());
        assertThat(problem.status().value()).isEqualTo(502);
        assertThat(problem.name()).isEqualTo(CallReplies.DEFAULT_PROBLEM);
    }

    @Test
    void shouldReadNumericAttributes() {
        CallReply reply = reply(200)
                .setState("ringing")
                .setAttributes(Map.of("ringUntil", "1765000045000", "first", "x"))
                .build();
        assertThat(CallReplies.accepted(reply)).isTrue();
        assertThat(CallReplies.number(reply, "ringUntil")).isEqualTo(1_765_000_045_000L);
        assertThat(CallReplies.number(reply, "first")).isNull();
        assertThat(CallReplies.number(reply, "last")).isNull();
        assertThat(CallReplies.state("c", reply)).isEqualTo(Map.of("callId", "c", "state", "ringing"));
    }
}
