package io.socialink.client.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FrameParserTest {

    private static final String MESSAGE_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";

    private final FrameParser parser = new FrameParser();

    @Test
    void shouldParseAnEnvelope() {
        // given
        String text = """
                {"type": "envelope", "messageId": "%s", "sender": {"userId": "alice", "deviceId": 2},
                 "ciphertextType": 3, "content": "aGk=", "sentAt": 1700000000123, "expiresAt": null}""".formatted(MESSAGE_ID);

        // when
        ServerFrame frame = parser.parse(text);

        // then
        assertThat(frame).isInstanceOfSatisfying(Envelope.class, envelope -> {
            assertThat(envelope.messageId()).isEqualTo(UUID.fromString(MESSAGE_ID));
            assertThat(envelope.senderAddress()).isEqualTo("alice.2");
            assertThat(envelope.ciphertextType()).isEqualTo(3);
            assertThat(new String(envelope.content(), StandardCharsets.UTF_8)).isEqualTo("hi");
            assertThat(envelope.sentAt()).isEqualTo(1_700_000_000_123L);
            assertThat(envelope.expiresAt()).isNull();
        });
    }

    @Test
    void shouldParseAnEnvelopeWithExpiry() {
        // given
        String text = """
                {"type": "envelope", "messageId": "%s", "sender": {"userId": "alice", "deviceId": 1},
                 "ciphertextType": 2, "content": "", "sentAt": 1, "expiresAt": 99}""".formatted(MESSAGE_ID);

        // when
        Envelope envelope = (Envelope) parser.parse(text);

        // then
        assertThat(envelope.expiresAt()).isEqualTo(99L);
        assertThat(envelope.content()).isEmpty();
    }

    @Test
    void shouldParseAnEnvelopeWhateverTheOrderOfItsMembers() {
        // given: a Welcome-sized ciphertext, once after the type (as the server writes) and once before it
        byte[] ciphertext = new byte[500_000];
        new java.util.Random(3).nextBytes(ciphertext);
        String content = java.util.Base64.getEncoder().encodeToString(ciphertext);
        String typeFirst = """
                {"type": "envelope", "messageId": "%s", "sender": {"userId": "alice", "deviceId": 2},
                 "ciphertextType": 12, "content": "%s", "sentAt": 1, "expiresAt": null, "groupId": "Z3JvdXA"}""".formatted(MESSAGE_ID, content);
        String contentFirst = """
                {"content": "%s", "messageId": "%s", "sender": {"userId": "alice", "deviceId": 2},
                 "ciphertextType": 12, "type": "envelope", "sentAt": 1, "expiresAt": null, "groupId": "Z3JvdXA"}""".formatted(content, MESSAGE_ID);

        // when
        Envelope first = (Envelope) parser.parse(typeFirst);
        Envelope second = (Envelope) parser.parse(contentFirst);

        // then
        assertThat(first.content()).isEqualTo(ciphertext);
        assertThat(second.content()).isEqualTo(ciphertext);
        assertThat(first.groupId()).isEqualTo("Z3JvdXA");
        assertThat(second.ciphertextType()).isEqualTo(12);
    }

    @Test
    void shouldParseControlFrames() {
        // when / then
        assertThat(parser.parse("{\"type\": \"queue-empty\"}")).isEqualTo(new ServerFrame.QueueEmpty());
        assertThat(parser.parse("{\"type\": \"pong\", \"id\": \"p1\"}")).isEqualTo(new ServerFrame.Pong("p1"));
        assertThat(parser.parse("{\"type\": \"error\", \"code\": \"bad-frame\", \"detail\": \"no type\"}"))
                .isEqualTo(new ServerFrame.Error("bad-frame", "no type"));
    }

    @Test
    void shouldKeepUnknownFrameTypesForForwardCompatibility() {
        // when
        ServerFrame frame = parser.parse("{\"type\": \"typing\", \"userId\": \"bob\"}");

        // then
        assertThat(frame).isEqualTo(new DeviceEvent("typing", null, Map.of("userId", "bob")));
    }

    @Test
    void shouldParseTheEntriesOfAReceiptEvent() {
        // when
        ServerFrame frame = parser.parse("{\"type\": \"receipt\", \"messageId\": \"" + MESSAGE_ID
                + "\", \"entries\": [{\"targetMessageId\": \"m1\", \"status\": \"delivered\", \"deviceId\": \"2\"},"
                + " {\"targetMessageId\": \"m2\", \"status\": \"read\", \"at\": 5}]}");

        // then
        assertThat(frame)
                .isEqualTo(new DeviceEvent(
                        "receipt",
                        UUID.fromString(MESSAGE_ID),
                        Map.of(),
                        List.of(
                                Map.of("targetMessageId", "m1", "status", "delivered", "deviceId", "2"),
                                Map.of("targetMessageId", "m2", "status", "read", "at", "5"))));
        assertThatThrownBy(() -> parser.parse("{\"type\": \"receipt\", \"entries\": [1]}"))
                .isInstanceOf(MalformedFrameException.class);
    }

    @Test
    void shouldParseDeviceEventsWithTheirAttributes() {
        // when
        ServerFrame frame = parser.parse("{\"type\": \"low-prekeys\", \"messageId\": \"" + MESSAGE_ID
                + "\", \"ecPreKeys\": \"3\", \"pqPreKeys\": 9}");

        // then
        assertThat(frame).isInstanceOfSatisfying(DeviceEvent.class, event -> {
            assertThat(event.type()).isEqualTo("low-prekeys");
            assertThat(event.messageId()).hasToString(MESSAGE_ID);
            assertThat(event.ephemeral()).isTrue();
            assertThat(event.intAttribute("ecPreKeys", -1)).isEqualTo(3);
            assertThat(event.intAttribute("pqPreKeys", -1)).isEqualTo(9);
            assertThat(event.intAttribute("missing", -1)).isEqualTo(-1);
        });
    }

    @Test
    void shouldRejectMalformedFrames() {
        // when / then
        assertThatThrownBy(() -> parser.parse("not json")).isInstanceOf(MalformedFrameException.class);
        assertThatThrownBy(() -> parser.parse("[1, 2]")).isInstanceOf(MalformedFrameException.class);
        assertThatThrownBy(() -> parser.parse("{\"type\": \"queue-empty\"} trailing"))
                .isInstanceOf(MalformedFrameException.class);
        assertThatThrownBy(() -> parser.parse("{\"type\": \"queue-empty\""))
                .isInstanceOf(MalformedFrameException.class);
        assertThatThrownBy(() -> parser.parse("{\"type\": \"envelope\", \"messageId\": \"x\"}"))
                .isInstanceOf(MalformedFrameException.class);
        assertThatThrownBy(() -> parser.parse("""
                {"type": "envelope", "messageId": "%s", "sender": {"userId": "a", "deviceId": 1},
                 "content": "***", "sentAt": 1}""".formatted(MESSAGE_ID))).isInstanceOf(MalformedFrameException.class);
    }

    @Test
    void shouldWriteAckAndPingFrames() {
        // when
        String ack = parser.ack(List.of("a", "b"));
        String ping = parser.ping("p1");

        // then
        assertThat(ack).isEqualTo("{\"type\":\"ack\",\"messageIds\":[\"a\",\"b\"]}");
        assertThat(ping).isEqualTo("{\"type\":\"ping\",\"id\":\"p1\"}");
    }
}
