package io.socialink.client.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FrameDispatcherTest {

    private final List<Envelope> delivered = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final List<String> acked = new ArrayList<>();
    private int queueEmptyCalls;
    private boolean failNext;
    private boolean failNextEvent;
    private final List<DeviceEvent> events = new ArrayList<>();

    private final DeviceSocketListener listener = new DeviceSocketListener() {
        @Override
        public void onEnvelope(Envelope envelope) {
            if (failNext) {
                failNext = false;
                throw new IllegalStateException("disk full");
            }
            delivered.add(envelope);
        }

        @Override
        public void onEvent(DeviceEvent event) {
            if (failNextEvent) {
                failNextEvent = false;
                throw new IllegalStateException("refill failed");
            }
            events.add(event);
        }

        @Override
        public void onQueueEmpty() {
            queueEmptyCalls++;
        }

        @Override
        public void onError(Throwable error) {
            errors.add(error);
        }
    };

    private final SeenMessageIds seen = new SeenMessageIds(100);
    private int listenerFailures;
    private final FrameDispatcher dispatcher =
            new FrameDispatcher(new FrameParser(), listener, seen, acked::add, () -> listenerFailures++);

    @Test
    void shouldDeliverAndAckANewEnvelope() {
        // given
        UUID id = UUID.randomUUID();

        // when
        dispatcher.onText(envelope(id));

        // then
        assertThat(delivered).extracting(Envelope::messageId).containsExactly(id);
        assertThat(acked).containsExactly(id.toString());
        assertThat(dispatcher.delivered()).isEqualTo(1);
    }

    @Test
    void shouldDropADuplicateButAckItAgain() {
        // given
        UUID id = UUID.randomUUID();
        dispatcher.onText(envelope(id));

        // when
        dispatcher.onText(envelope(id));

        // then
        assertThat(delivered).hasSize(1);
        assertThat(acked).containsExactly(id.toString(), id.toString());
        assertThat(dispatcher.duplicates()).isEqualTo(1);
    }

    @Test
    void shouldStopAckingFromAFailedEnvelopeOnSoOrderSurvivesTheReconnect() {
        // given
        UUID failed = UUID.randomUUID();
        UUID later = UUID.randomUUID();
        failNext = true;

        // when
        dispatcher.onText(envelope(failed));
        dispatcher.onText(envelope(later));

        // then
        assertThat(errors).singleElement().satisfies(e -> assertThat(e).hasMessage("disk full"));
        assertThat(listenerFailures).isEqualTo(1);
        assertThat(delivered).isEmpty();
        assertThat(acked).isEmpty();
    }

    @Test
    void shouldAcceptTheRedeliveryOfAFailedEnvelopeOnTheNextSocket() {
        // given
        UUID id = UUID.randomUUID();
        failNext = true;
        dispatcher.onText(envelope(id));
        FrameDispatcher next = new FrameDispatcher(new FrameParser(), listener, seen, acked::add, () -> {});

        // when
        next.onText(envelope(id));

        // then
        assertThat(delivered).extracting(Envelope::messageId).containsExactly(id);
        assertThat(acked).containsExactly(id.toString());
    }

    @Test
    void shouldSignalQueueEmptyOnce() {
        // when
        dispatcher.onText("{\"type\": \"queue-empty\"}");
        dispatcher.onText("{\"type\": \"queue-empty\"}");

        // then
        assertThat(queueEmptyCalls).isEqualTo(1);
        assertThat(dispatcher.queueEmpty()).isDone();
    }

    @Test
    void shouldCompleteTheMatchingPing() {
        // given
        var pong = dispatcher.expectPong("p-1");
        var other = dispatcher.expectPong("p-2");

        // when
        dispatcher.onText("{\"type\": \"pong\", \"id\": \"p-1\"}");

        // then
        assertThat(pong).isDone();
        assertThat(other).isNotDone();
    }

    @Test
    void shouldReportErrorAndMalformedFramesToTheListener() {
        // when
        dispatcher.onText("{\"type\": \"error\", \"code\": \"bad-frame\"}");
        dispatcher.onText("garbage");

        // then
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0)).isInstanceOf(ServerErrorException.class).hasMessage("bad-frame");
        assertThat(errors.get(1)).isInstanceOf(MalformedFrameException.class);
    }

    @Test
    void shouldNeitherDeliverNorAckAfterStop() {
        // given
        dispatcher.stop();

        // when
        dispatcher.onText(envelope(UUID.randomUUID()));

        // then
        assertThat(delivered).isEmpty();
        assertThat(acked).isEmpty();
    }

    @Test
    void shouldPassEphemeralEventsWithoutAckAndQueuedEventsWithAnAckAfterTheListener() {
        // given
        UUID lowId = UUID.randomUUID();
        UUID receiptId = UUID.randomUUID();

        // when
        dispatcher.onText("{\"type\": \"low-prekeys\", \"messageId\": \"" + lowId + "\", \"ecPreKeys\": \"4\"}");
        dispatcher.onText("{\"type\": \"receipt\", \"messageId\": \"" + receiptId + "\", \"status\": \"read\"}");
        dispatcher.onText("{\"type\": \"receipt\", \"messageId\": \"" + receiptId + "\", \"status\": \"read\"}");

        // then
        assertThat(events).extracting(DeviceEvent::type).containsExactly("low-prekeys", "receipt");
        assertThat(events.get(0).intAttribute("ecPreKeys", -1)).isEqualTo(4);
        assertThat(acked).containsExactly(receiptId.toString(), receiptId.toString());
        assertThat(dispatcher.duplicates()).isEqualTo(1);
    }

    @Test
    void shouldReportAFailingEphemeralEventWithoutClosingTheSocket() {
        // given
        failNextEvent = true;

        // when
        dispatcher.onText("{\"type\": \"low-prekeys\", \"messageId\": \"" + UUID.randomUUID() + "\"}");
        dispatcher.onText(envelope(UUID.randomUUID()));

        // then
        assertThat(errors).hasSize(1);
        assertThat(listenerFailures).isZero();
        assertThat(delivered).hasSize(1);
    }

    private static String envelope(UUID id) {
        return """
                {"type": "envelope", "messageId": "%s", "sender": {"userId": "alice", "deviceId": 1},
                 "ciphertextType": 3, "content": "aGk=", "sentAt": 1, "expiresAt": null}""".formatted(id);
    }
}
