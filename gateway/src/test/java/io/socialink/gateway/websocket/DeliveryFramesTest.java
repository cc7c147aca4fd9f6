package io.socialink.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.gateway.groups.GroupPayloads;
import io.socialink.schemas.avro.Delivery;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rendering rules of copies that refer to the payload store, with the store's answers scripted (the store's
 * SQL is exercised against Postgres by GroupEndpointsIT, WebSocketIT and GroupMessagingIT).
 */
class DeliveryFramesTest {

    private final JsonMapper json = JsonMapper.builder().build();

    /** A payload store that answers from a script and counts the loads. */
    private static final class ScriptedPayloads extends GroupPayloads {
        final List<Mono<Optional<byte[]>>> answers = new ArrayList<>();
        final AtomicInteger loads = new AtomicInteger();

        ScriptedPayloads() {
            super(null, Duration.ofDays(31));
        }

        @Override
        public Mono<Optional<byte[]>> load(String ref) {
            return answers.get(Math.min(loads.getAndIncrement(), answers.size() - 1));
        }
    }

    private static Delivery copy(String recipient, String ref) {
        return Delivery.newBuilder()
                .setMessageId("9b2f0c1e-8a52-4d1f-9b7e-3c1d2e4f5a6b")
                .setSenderUserId("alice")
                .setSenderDeviceId(1)
                .setRecipientUserId(recipient)
                .setRecipientDeviceId(1)
                .setSentAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .setCiphertextType(12)
                .setContent(ByteBuffer.allocate(0))
                .setGroupId("Z3JvdXA")
                .setContentRef(ref)
                .build();
    }

    @Test
    void shouldLoadAStoredPayloadOnceForEveryCopyOfAMessage() {
        // given
        ScriptedPayloads payloads = new ScriptedPayloads();
        byte[] welcome = "a welcome".getBytes(StandardCharsets.UTF_8);
        payloads.answers.add(Mono.just(Optional.of(welcome)));
        DeliveryFrames frames = new DeliveryFrames(new Frames(json), payloads);

        // when
        String bob = frames.frame(copy("bob", "ref-1"));
        String carol = frames.frame(copy("carol", "ref-1"));

        // then
        JsonNode envelope = json.readTree(bob);
        assertThat(envelope.get("type").asString()).isEqualTo("envelope");
        assertThat(Base64.getDecoder().decode(envelope.get("content").asString()))
                .isEqualTo(welcome);
        assertThat(envelope.has("contentRef")).isFalse();
        assertThat(carol).isSameAs(bob);
        assertThat(payloads.loads).hasValue(1);
    }

    @Test
    void shouldAnswerAPayloadThatCouldNotBeReadUnavailableWithoutAskingAgainAtOnce() {
        // given: Postgres fails the first load; it would answer the second
        ScriptedPayloads payloads = new ScriptedPayloads();
        payloads.answers.add(Mono.error(new IllegalStateException("connection refused")));
        payloads.answers.add(Mono.just(Optional.of(new byte[] {1})));
        DeliveryFrames frames = new DeliveryFrames(new Frames(json), payloads);

        // when / then: every copy of that message is refused, from one load
        assertThatThrownBy(() -> frames.frame(copy("bob", "ref-2")))
                .isInstanceOf(DeliveryFrames.PayloadUnavailableException.class)
                .hasMessageContaining("connection refused");
        assertThatThrownBy(() -> frames.frame(copy("carol", "ref-2")))
                .isInstanceOf(DeliveryFrames.PayloadUnavailableException.class);
        assertThat(payloads.loads).hasValue(1);
    }

    @Test
    void shouldAnswerAMissingPayloadUnavailable() {
        // given
        ScriptedPayloads payloads = new ScriptedPayloads();
        payloads.answers.add(Mono.just(Optional.empty()));
        DeliveryFrames frames = new DeliveryFrames(new Frames(json), payloads);

        // when / then
        assertThatThrownBy(() -> frames.frame(copy("bob", "ref-3")))
                .isInstanceOf(DeliveryFrames.PayloadUnavailableException.class)
                .hasMessageContaining("no stored payload ref-3");
    }

    @Test
    void shouldRenderCopiesWithTheirOwnBytesWithoutTheStore() {
        // given
        ScriptedPayloads payloads = new ScriptedPayloads();
        DeliveryFrames frames = new DeliveryFrames(new Frames(json), payloads);
        Delivery inline = Delivery.newBuilder(copy("bob", "unused"))
                .setContentRef(null)
                .setContent(ByteBuffer.wrap(new byte[] {7}))
                .build();

        // when
        JsonNode envelope = json.readTree(frames.frame(inline));

        // then
        assertThat(Base64.getDecoder().decode(envelope.get("content").asString()))
                .containsExactly(7);
        assertThat(payloads.loads).hasValue(0);
    }

    @Test
    void shouldRenderACallEventWithCiphertextAsTheSocketDoesWithoutTheStore() {
        // given: the queue API and the socket both render through DeliveryFrames.frame
        ScriptedPayloads payloads = new ScriptedPayloads();
        Frames plain = new Frames(json);
        DeliveryFrames frames = new DeliveryFrames(plain, payloads);
        Delivery accepted = Delivery.newBuilder(copy("bob", "unused"))
                .setContentRef(null)
                .setGroupId(null)
                .setCiphertextType(3)
                .setContent(ByteBuffer.wrap(new byte[] {42}))
                .setEvent(io.socialink.schemas.avro.DeviceEvent.newBuilder()
                        .setType("call")
                        .setAttributes(java.util.Map.of("event", "accepted", "answeredDeviceId", "2"))
                        .build())
                .build();

        // when
        String frame = frames.frame(accepted);

        // then
        JsonNode node = json.readTree(frame);
        assertThat(frame).isEqualTo(plain.delivery(accepted));
        assertThat(node.get("type").asString()).isEqualTo("call");
        assertThat(node.get("sender").get("userId").asString()).isEqualTo("alice");
        assertThat(node.get("ciphertextType").asInt()).isEqualTo(3);
        assertThat(Base64.getDecoder().decode(node.get("content").asString())).containsExactly(42);
        assertThat(payloads.loads).hasValue(0);
    }
}
