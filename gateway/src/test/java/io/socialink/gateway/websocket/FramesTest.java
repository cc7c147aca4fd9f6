package io.socialink.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.problem.Problem;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.DeviceEvent;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

class FramesTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final Frames frames = new Frames(json);

    @Test
    void shouldParseAcksAndPings() {
        assertThat(frames.parse("{\"type\":\"ack\",\"messageIds\":[\"a\",\"b\"]}"))
                .isEqualTo(new Frames.AckFrame(List.of("a", "b")));
        assertThat(frames.parse("{\"type\":\"ping\",\"id\":\"7\",\"extra\":true}"))
                .isEqualTo(new Frames.PingFrame("7"));
        assertThat(frames.parse("{\"type\":\"ping\"}")).isEqualTo(new Frames.PingFrame(null));
    }

    @Test
    void shouldReportInvalidFramesInsteadOfFailing() {
        for (String bad : new String[] {
            "",
            "not json",
            "[]",
            "42",
            "{}",
            "{\"type\":1}",
            "{\"type\":\"shout\"}",
            "{\"type\":\"ack\"}",
            "{\"type\":\"ack\",\"messageIds\":[]}",
            "{\"type\":\"ack\",\"messageIds\":[1]}",
            "{\"type\":\"ack\",\"messageIds\":\"a\"}",
            "{\"type\":\"ping\",\"id\":{}}"
        }) {
            assertThat(frames.parse(bad)).as(bad).isInstanceOf(Frames.InvalidFrame.class);
        }
    }

    @Test
    void shouldParseSendFramesIntoTheRestSendBody() {
        // when
        Frames.ClientFrame frame = frames.parse("{\"type\":\"send\",\"requestId\":\"r1\",\"destination\":\"bob\","
                + "\"idempotencyKey\":\"k\",\"expiresInSeconds\":60,\"messages\":[{\"userId\":\"bob\","
                + "\"deviceId\":1,\"registrationId\":7,\"type\":3,\"content\":\"eA==\"}]}");

        // then
        assertThat(frame).isInstanceOfSatisfying(Frames.SendFrame.class, send -> {
            assertThat(send.requestId()).isEqualTo("r1");
            assertThat(send.request().destination()).isEqualTo("bob");
            assertThat(send.request().idempotencyKey()).isEqualTo("k");
            assertThat(send.request().expiresInSeconds()).isEqualTo(60L);
            assertThat(send.request().messages()).singleElement().satisfies(copy -> {
                assertThat(copy.deviceId()).isEqualTo(1);
                assertThat(copy.content()).isEqualTo("eA==");
            });
        });
    }

    @Test
    void shouldAnswerSendsWithoutARequestIdWithAnErrorAndUnbindableOnesWith400() {
        assertThat(frames.parse("{\"type\":\"send\",\"destination\":\"bob\"}")).isInstanceOf(Frames.InvalidFrame.class);
        assertThat(frames.parse("{\"type\":\"send\",\"requestId\":7}")).isInstanceOf(Frames.InvalidFrame.class);
        assertThat(frames.parse("{\"type\":\"send\",\"requestId\":\"\"}")).isInstanceOf(Frames.InvalidFrame.class);
        assertThat(frames.parse("{\"type\":\"send\",\"requestId\":\"r\",\"messages\":\"x\"}"))
                .isEqualTo(new Frames.BadSendFrame("r", "malformed request body"));
    }

    @Test
    void shouldWriteEnvelopesWithEpochMillisAndBase64Content() {
        // given
        Delivery delivery = Delivery.newBuilder()
                .setMessageId("m-1")
                .setSenderUserId("alice")
                .setSenderDeviceId(2)
                .setRecipientUserId("bob")
                .setRecipientDeviceId(1)
                .setSentAt(Instant.ofEpochMilli(1_000))
                .setCiphertextType(3)
                .setContent(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setExpiresAt(null)
                .build();

        // when
        @SuppressWarnings("unchecked")
        Map<String, Object> frame = json.readValue(frames.envelope(delivery), Map.class);

        // then
        assertThat(frame)
                .containsEntry("type", "envelope")
                .containsEntry("messageId", "m-1")
                .containsEntry("sender", Map.of("userId", "alice", "deviceId", 2))
                .containsEntry("ciphertextType", 3)
                .containsEntry("content", "AQID")
                .containsEntry("sentAt", 1_000)
                .containsEntry("expiresAt", null)
                .doesNotContainKey("groupId");
        assertThat(delivery.getContent().remaining()).isEqualTo(3);
    }

    @Test
    void shouldEncodeOnlyTheRemainingBytesOfASlicedContentBuffer() {
        // given: content that is a slice in the middle of a larger array, as a decoder may hand it over
        ByteBuffer backing = ByteBuffer.wrap(new byte[] {9, 9, 1, 2, 3, 9});
        backing.position(1);
        ByteBuffer slice = backing.slice();
        slice.position(1).limit(4);
        Delivery delivery = Delivery.newBuilder()
                .setMessageId("m-4")
                .setSenderUserId("alice")
                .setSenderDeviceId(2)
                .setRecipientUserId("bob")
                .setRecipientDeviceId(1)
                .setSentAt(Instant.ofEpochMilli(1_000))
                .setCiphertextType(3)
                .setContent(slice)
                .setExpiresAt(Instant.ofEpochMilli(5_000))
                .build();

        // when
        @SuppressWarnings("unchecked")
        Map<String, Object> frame = json.readValue(frames.envelope(delivery), Map.class);

        // then
        assertThat(frame).containsEntry("content", "AQID").containsEntry("expiresAt", 5_000);
        assertThat(slice.position()).isEqualTo(1);
    }

    @Test
    void shouldNameTheGroupOfAGroupEnvelope() {
        // given: a Welcome (MLS type 12) of a group
        Delivery delivery = Delivery.newBuilder()
                .setMessageId("m-3")
                .setSenderUserId("alice")
                .setSenderDeviceId(1)
                .setRecipientUserId("bob")
                .setRecipientDeviceId(1)
                .setSentAt(Instant.ofEpochMilli(1_000))
                .setCiphertextType(12)
                .setContent(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setGroupId("Z3JvdXA")
                .build();

        // when
        @SuppressWarnings("unchecked")
        Map<String, Object> frame = json.readValue(frames.delivery(delivery), Map.class);

        // then
        assertThat(frame)
                .containsEntry("type", "envelope")
                .containsEntry("ciphertextType", 12)
                .containsEntry("groupId", "Z3JvdXA");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldWriteDeviceEventsAsTheirOwnFrameType() {
        // given
        Delivery delivery = event(
                "m-2",
                DeviceEvent.newBuilder()
                        .setType("receipt")
                        .setAttributes(Map.of("status", "delivered", "type", "ignored"))
                        .build());

        // when
        Map<String, Object> frame = json.readValue(frames.delivery(delivery), Map.class);

        // then
        assertThat(frame).isEqualTo(Map.of("type", "receipt", "messageId", "m-2", "status", "delivered"));
        assertThat(frames.delivery(delivery)).startsWith("{\"type\":\"receipt\",\"messageId\":\"m-2\"");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldWriteACallEventsCiphertextAsAnEnvelopeDoesWithoutAttributesReplacingIt() {
        // given: a ring frame carrying alice.2's offer, with attributes that try to replace the ciphertext members
        byte[] offer = {1, 2, 3, (byte) 0xfb, (byte) 0xff};
        Delivery ring = Delivery.newBuilder(event(
                        "ring-1",
                        DeviceEvent.newBuilder()
                                .setType("call")
                                .setAttributes(new java.util.LinkedHashMap<>(Map.of(
                                        "event", "ring",
                                        "callId", "c-1",
                                        "ringUntil", "1765000045000",
                                        "content", "forged",
                                        "sender", "forged",
                                        "ciphertextType", "forged")))
                                .build()))
                .setCiphertextType(3)
                .setContent(ByteBuffer.wrap(offer))
                .build();

        // when
        String text = frames.delivery(ring);
        Map<String, Object> frame = json.readValue(text, Map.class);

        // then
        assertThat(frame)
                .isEqualTo(Map.of(
                        "type", "call",
                        "messageId", "ring-1",
                        "event", "ring",
                        "callId", "c-1",
                        "ringUntil", "1765000045000",
                        "sender", Map.of("userId", "alice", "deviceId", 2),
                        "ciphertextType", 3,
                        "content", java.util.Base64.getEncoder().encodeToString(offer)));
        assertThat(text).startsWith("{\"type\":\"call\",\"messageId\":\"ring-1\"");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldWriteACallEventWithoutCiphertextWithoutSenderOrContent() {
        // given: a missed frame (no ciphertext) whose attributes happen to use the ciphertext members' names
        Delivery missed = event(
                "missed-1",
                DeviceEvent.newBuilder()
                        .setType("call")
                        .setAttributes(Map.of("event", "missed", "callId", "c-1", "content", "forged"))
                        .build());

        // when
        Map<String, Object> frame = json.readValue(frames.delivery(missed), Map.class);

        // then: attributes only, and none of them may pose as ciphertext
        assertThat(frame)
                .isEqualTo(Map.of("type", "call", "messageId", "missed-1", "event", "missed", "callId", "c-1"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldEncodeOnlyTheRemainingBytesOfACallEventsContent() {
        // given: the candidate is a slice of a larger buffer, as a decoded record's bytes may be
        ByteBuffer backing = ByteBuffer.wrap(new byte[] {9, 9, 4, 5, 6, 9});
        backing.position(2).limit(5);
        Delivery ice = Delivery.newBuilder(event(
                        "ice-1",
                        DeviceEvent.newBuilder()
                                .setType("call")
                                .setAttributes(Map.of("event", "ice", "seq", "7"))
                                .build()))
                .setContent(backing.slice())
                .build();

        // when
        Map<String, Object> frame = json.readValue(frames.delivery(ice), Map.class);

        // then
        assertThat(frame.get("content")).isEqualTo(java.util.Base64.getEncoder().encodeToString(new byte[] {4, 5, 6}));
        assertThat(ice.getContent().remaining()).isEqualTo(3);
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldWriteAnEventsEntriesAsAnArrayOfObjectsThatAttributesCannotReplace() {
        // given
        Delivery delivery = event(
                "r-1",
                DeviceEvent.newBuilder()
                        .setType("receipt")
                        .setAttributes(Map.of("entries", "ignored"))
                        .setEntries(List.of(
                                Map.of("targetMessageId", "m-1", "status", "delivered"),
                                Map.of("targetMessageId", "m-2", "status", "read")))
                        .build());

        // when
        Map<String, Object> frame = json.readValue(frames.delivery(delivery), Map.class);

        // then
        assertThat(frame)
                .isEqualTo(Map.of(
                        "type",
                        "receipt",
                        "messageId",
                        "r-1",
                        "entries",
                        List.of(
                                Map.of("targetMessageId", "m-1", "status", "delivered"),
                                Map.of("targetMessageId", "m-2", "status", "read"))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldWriteARefusedSendAsItsStatusAndProblemBody() {
        // given
        Problem problem = Problem.of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "slow down");

        // when
        Map<String, Object> frame = json.readValue(frames.sendResult("r-1", problem, 3L), Map.class);
        Map<String, Object> withoutRetry = json.readValue(frames.sendResult("r-2", problem, null), Map.class);

        // then
        assertThat(frame)
                .containsEntry("type", "send-result")
                .containsEntry("requestId", "r-1")
                .containsEntry("status", 429)
                .containsEntry("retryAfter", 3)
                .containsEntry("problem", json.readValue(json.writeValueAsString(problem.body()), Map.class));
        assertThat((Map<String, Object>) frame.get("problem")).containsEntry("detail", "slow down");
        assertThat(withoutRetry).doesNotContainKey("retryAfter").containsEntry("requestId", "r-2");
    }

    @Test
    void shouldWriteServerFrames() {
        assertThat(json.readValue(frames.queueEmpty(), Map.class)).isEqualTo(Map.of("type", "queue-empty"));
        assertThat(json.readValue(frames.pong("7"), Map.class)).isEqualTo(Map.of("type", "pong", "id", "7"));
        assertThat(json.readValue(frames.error("bad-frame", "why"), Map.class))
                .isEqualTo(Map.of("type", "error", "code", "bad-frame", "detail", "why"));
    }

    private static Delivery event(String messageId, DeviceEvent event) {
        return Delivery.newBuilder()
                .setMessageId(messageId)
                .setSenderUserId("alice")
                .setSenderDeviceId(2)
                .setRecipientUserId("bob")
                .setRecipientDeviceId(1)
                .setSentAt(Instant.ofEpochMilli(1_000))
                .setCiphertextType(0)
                .setContent(ByteBuffer.allocate(0))
                .setEvent(event)
                .build();
    }
}
