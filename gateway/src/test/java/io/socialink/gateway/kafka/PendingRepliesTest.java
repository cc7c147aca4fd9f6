package io.socialink.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** The request/reply mechanism groups and calls share, with replies handed over as the reply consumer does. */
class PendingRepliesTest {

    record Reply(String requestId, int status) {}

    private final List<String> outcomes = new CopyOnWriteArrayList<>();

    private PendingReplies<Reply> pending(Duration timeout) {
        return new PendingReplies<>(
                timeout,
                Reply::requestId,
                Reply::status,
                outcomes::add,
                () -> Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "x-service-unavailable", "no verdict"),
                () -> Problem.unavailable("not sent"));
    }

    @Test
    void shouldAnswerWithTheReplyOfItsOwnRequestRegisteredBeforeTheCommandIsSent() {
        // given: the reply arrives while the command is still being sent, before its acknowledgement
        PendingReplies<Reply> pending = pending(Duration.ofSeconds(5));
        CompletableFuture<Object> ack = new CompletableFuture<>();

        // when
        Reply reply = pending.request("r-1", () -> {
                    pending.complete(new Reply("someone-else", 200));
                    pending.complete(new Reply("r-1", 409));
                    ack.complete("acked");
                    return ack;
                })
                .block(Duration.ofSeconds(5));

        // then
        assertThat(reply).isEqualTo(new Reply("r-1", 409));
        assertThat(outcomes).containsExactly("refused");
        assertThat(pending.pending()).isZero();
    }

    @Test
    void shouldAnswerTheServicesProblemWithoutAReplyInTime() {
        // given
        PendingReplies<Reply> pending = pending(Duration.ofMillis(200));

        // when / then
        assertThatThrownBy(() -> pending.request("r-2", () -> CompletableFuture.completedFuture("acked"))
                        .block(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                    assertThat(e.problem().name()).isEqualTo("x-service-unavailable");
                });
        assertThat(outcomes).containsExactly("timeout");
        assertThat(pending.pending()).isZero();
        pending.complete(new Reply("r-2", 200)); // a late reply finds nobody and is dropped
        assertThat(outcomes).containsExactly("timeout");
    }

    @Test
    void shouldAnswerUnavailableWhenTheCommandCannotBeSent() {
        // given
        PendingReplies<Reply> pending = pending(Duration.ofSeconds(5));

        // when / then
        assertThatThrownBy(() -> pending.request(
                                "r-3", () -> CompletableFuture.failedFuture(new IllegalStateException("broker gone")))
                        .block(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        e -> assertThat(e.problem().name()).isEqualTo("unavailable"));
        assertThat(outcomes).containsExactly("failed");
        assertThat(pending.pending()).isZero();
    }

    @Test
    void shouldCountATwoHundredReplyAsAccepted() {
        PendingReplies<Reply> pending = pending(Duration.ofSeconds(5));
        Reply reply = pending.request("r-4", () -> {
                    pending.complete(new Reply("r-4", 201));
                    return CompletableFuture.completedFuture("acked");
                })
                .block(Duration.ofSeconds(5));
        assertThat(reply.status()).isEqualTo(201);
        assertThat(outcomes).containsExactly("accepted");
    }
}
