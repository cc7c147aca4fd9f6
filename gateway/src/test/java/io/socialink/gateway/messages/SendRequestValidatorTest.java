package io.socialink.gateway.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.messages.SendRequest.OutgoingMessage;
import io.socialink.gateway.problem.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SendRequestValidatorTest {

    private static final DeviceAddress ALICE_1 = new DeviceAddress("alice", 1);

    private static OutgoingMessage message(String user, Integer device) {
        return new OutgoingMessage(user, device, 100, 3, "aGVsbG8=");
    }

    private static void assertBadRequest(SendRequest request, String detailPart) {
        assertThatThrownBy(() -> SendRequestValidator.validate(ALICE_1, request))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().name()).isEqualTo("bad-request");
                    assertThat(e.problem().status().value()).isEqualTo(400);
                    assertThat(e.problem().detail()).contains(detailPart);
                });
    }

    @Test
    void shouldDecodeAValidSend() {
        // given
        SendRequest request = new SendRequest("bob", "k-1", List.of(message("bob", 1), message("alice", 2)));

        // when
        ValidSend send = SendRequestValidator.validate(ALICE_1, request);

        // then
        assertThat(send.destination()).isEqualTo("bob");
        assertThat(send.idempotencyKey()).isEqualTo("k-1");
        assertThat(send.copies()).hasSize(2);
        assertThat(send.copies().get(0).content()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
        assertThat(send.isNoteToSelf()).isFalse();
    }

    @Test
    void shouldRejectCopiesForUsersOtherThanDestinationAndSender() {
        assertBadRequest(new SendRequest("bob", "k", List.of(message("bob", 1), message("carol", 1))), "carol");
    }

    @Test
    void shouldRejectTheSameDeviceTwice() {
        assertBadRequest(new SendRequest("bob", "k", List.of(message("bob", 1), message("bob", 1))), "repeats");
    }

    @Test
    void shouldRejectBadBase64Content() {
        OutgoingMessage bad = new OutgoingMessage("bob", 1, 100, 3, "not base64!");
        assertBadRequest(new SendRequest("bob", "k", List.of(bad)), "base64");
    }

    @Test
    void shouldRejectMissingOrInvalidFields() {
        assertBadRequest(new SendRequest(null, "k", List.of()), "destination");
        assertBadRequest(new SendRequest("bo b", "k", List.of()), "destination");
        assertBadRequest(new SendRequest("bob", "", List.of()), "idempotencyKey");
        assertBadRequest(new SendRequest("bob", "x".repeat(65), List.of()), "idempotencyKey");
        assertBadRequest(new SendRequest("bob", "k", null), "messages");
        assertBadRequest(new SendRequest("bob", "k", List.of(message("bob", 0))), "deviceId");
        assertBadRequest(new SendRequest("bob", "k", List.of(message("bob", null))), "deviceId");
        assertBadRequest(
                new SendRequest("bob", "k", List.of(new OutgoingMessage("bob", 1, null, 3, "aGk="))), "registrationId");
        assertBadRequest(
                new SendRequest("bob", "k", List.of(new OutgoingMessage("bob", 1, 100, null, "aGk="))), "type");
        assertBadRequest(new SendRequest("bob", "k", List.of(new OutgoingMessage("bob", 1, 100, 3, ""))), "content");
        assertBadRequest(new SendRequest("bob", "k", Collections.singletonList(null)), "object");
        assertBadRequest(null, "body");
    }

    @Test
    void shouldAcceptAnIdempotencyKeyOfSixtyFourCharacters() {
        // given
        SendRequest request = new SendRequest("bob", "x".repeat(64), List.of(message("bob", 1)));

        // when
        ValidSend send = SendRequestValidator.validate(ALICE_1, request);

        // then
        assertThat(send.idempotencyKey()).hasSize(64);
    }

    @Test
    void shouldBoundTheNumberOfCopies() {
        // given
        List<OutgoingMessage> messages = new ArrayList<>();
        for (int device = 1; device <= SendRequestValidator.MAX_COPIES + 1; device++) {
            messages.add(message("bob", device));
        }

        // then
        assertBadRequest(new SendRequest("bob", "k", messages), "at most");
    }
}
