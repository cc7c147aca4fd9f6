package io.socialink.client.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CallFrameTest {

    private static final String MESSAGE_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final String CALL_ID = "6a1c4e55-63b1-4b8e-9a0e-3a3c2f3b2d11";

    private final FrameParser parser = new FrameParser();

    @Test
    void shouldReadARingWithTheOfferCiphertextAsTheGatewayWritesIt() {
        // given: every attribute a string, the ciphertext members as an envelope has them
        String text = """
                {"type": "call", "messageId": "%s", "event": "ring", "callId": "%s", "callerUserId": "alice",
                 "callerDeviceId": "2", "calleeUserId": "bob", "media": "video", "ringUntil": "1700000045000",
                 "sender": {"userId": "alice", "deviceId": 2}, "ciphertextType": 3, "content": "b2ZmZXI="}""".formatted(MESSAGE_ID, CALL_ID);

        // when
        ServerFrame frame = parser.parse(text);

        // then
        assertThat(frame).isInstanceOf(DeviceEvent.class);
        DeviceEvent event = (DeviceEvent) frame;
        assertThat(event.ephemeral()).isFalse();
        CallFrame call = event.call();
        assertThat(call.messageId()).isEqualTo(UUID.fromString(MESSAGE_ID));
        assertThat(call.event()).isEqualTo(CallFrame.RING);
        assertThat(call.callId()).isEqualTo(UUID.fromString(CALL_ID));
        assertThat(call.callerUserId()).isEqualTo("alice");
        assertThat(call.callerDeviceId()).isEqualTo(2);
        assertThat(call.calleeUserId()).isEqualTo("bob");
        assertThat(call.media()).isEqualTo("video");
        assertThat(call.longAttribute("ringUntil", 0)).isEqualTo(1_700_000_045_000L);
        assertThat(call.hasContent()).isTrue();
        assertThat(call.senderAddress()).isEqualTo("alice.2");
        assertThat(call.ciphertextType()).isEqualTo(3);
        assertThat(new String(call.content(), StandardCharsets.UTF_8)).isEqualTo("offer");
        assertThat(call.isFinal()).isFalse();
    }

    @Test
    void shouldReadAnEndedFrameWithoutCiphertext() {
        // given
        String text = """
                {"type": "call", "messageId": "%s", "event": "ended", "callId": "%s", "callerUserId": "alice",
                 "callerDeviceId": "1", "calleeUserId": "bob", "media": "audio", "durationMillis": "4250",
                 "endedBy": "bob.2"}""".formatted(MESSAGE_ID, CALL_ID);

        // when
        CallFrame call = ((DeviceEvent) parser.parse(text)).call();

        // then
        assertThat(call.hasContent()).isFalse();
        assertThat(call.content()).isEmpty();
        assertThat(call.senderAddress()).isNull();
        assertThat(call.isFinal()).isTrue();
        assertThat(call.longAttribute("durationMillis", -1)).isEqualTo(4250);
        assertThat(call.attribute("endedBy")).isEqualTo("bob.2");
        assertThat(call.attribute("answeredDeviceId")).isNull();
    }

    @Test
    void shouldTreatIceFramesAsEphemeralAndTheOtherCallFramesAsQueued() {
        // given
        String ice = """
                {"type": "call", "messageId": "%s", "event": "ice", "callId": "%s", "callerUserId": "alice",
                 "callerDeviceId": "1", "calleeUserId": "bob", "media": "video", "seq": "7",
                 "sender": {"userId": "bob", "deviceId": 2}, "ciphertextType": 2, "content": "Y2FuZGlkYXRl"}""".formatted(MESSAGE_ID, CALL_ID);
        String missed = """
                {"type": "call", "messageId": "%s", "event": "missed", "callId": "%s", "callerUserId": "alice",
                 "callerDeviceId": "1", "calleeUserId": "bob", "media": "video"}""".formatted(MESSAGE_ID, CALL_ID);

        // when
        DeviceEvent iceEvent = (DeviceEvent) parser.parse(ice);
        DeviceEvent missedEvent = (DeviceEvent) parser.parse(missed);

        // then
        assertThat(iceEvent.ephemeral()).isTrue();
        assertThat(iceEvent.call().longAttribute("seq", -1)).isEqualTo(7);
        assertThat(iceEvent.call().senderAddress()).isEqualTo("bob.2");
        assertThat(missedEvent.ephemeral()).isFalse();
        assertThat(missedEvent.call().isFinal()).isTrue();
    }

    @Test
    void shouldRejectMalformedCallFrames() {
        String base = "\"type\": \"call\", \"messageId\": \"" + MESSAGE_ID + "\", \"callerUserId\": \"alice\", "
                + "\"callerDeviceId\": \"1\", \"calleeUserId\": \"bob\", \"media\": \"video\"";
        String sender = ", \"sender\": {\"userId\": \"alice\", \"deviceId\": 1}, \"ciphertextType\": 3";
        // no callId
        assertThatThrownBy(() -> parser.parse("{" + base + ", \"event\": \"missed\"}"))
                .isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("callId");
        // a callId that is no UUID
        assertThatThrownBy(() -> parser.parse("{" + base + ", \"event\": \"missed\", \"callId\": \"x\"}"))
                .isInstanceOf(MalformedFrameException.class);
        // no event
        assertThatThrownBy(() -> parser.parse("{" + base + ", \"callId\": \"" + CALL_ID + "\"}"))
                .isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("event");
        // a ring without its ciphertext
        assertThatThrownBy(() -> parser.parse("{" + base + ", \"event\": \"ring\", \"callId\": \"" + CALL_ID + "\"}"))
                .isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("sender");
        // a ring whose content is not base64
        assertThatThrownBy(() -> parser.parse("{" + base + ", \"event\": \"ring\", \"callId\": \"" + CALL_ID + "\""
                        + sender + ", \"content\": \"not base64!\"}"))
                .isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("base64");
        // a caller device that is not a number
        assertThatThrownBy(() -> parser.parse("{" + base.replace("\"1\"", "\"one\"") + ", \"event\": \"missed\", "
                        + "\"callId\": \"" + CALL_ID + "\"}"))
                .isInstanceOf(MalformedFrameException.class);
    }
}
