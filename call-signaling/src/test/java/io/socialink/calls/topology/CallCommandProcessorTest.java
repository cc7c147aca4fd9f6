package io.socialink.calls.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.calls.config.CallSettings;
import io.socialink.calls.decide.CallDecider;
import io.socialink.calls.metrics.CallMetrics;
import io.socialink.schemas.avro.CallMedia;
import io.socialink.schemas.avro.CallOutcome;
import io.socialink.schemas.avro.CallPhase;
import io.socialink.schemas.avro.CallState;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.serde.AvroSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The processor's deadline index lives in memory: a task that starts on calls restored from the changelog (a restart,
 * a rebalance, an aborted transaction) must find their deadlines again.
 */
class CallCommandProcessorTest {

    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void shouldEndARingingCallFoundInTheStoreAtItsTimeoutAfterTheTaskStarts() {
        // given a store that already holds a ringing call and an ended one (restored, not processed by this task)
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        KeyValueStore<String, CallState> calls =
                store(context, CallSignalingTopology.STATE_STORE, new AvroSerde<>(CallState.class));
        KeyValueStore<String, String> lines = store(context, CallSignalingTopology.LINES_STORE, Serdes.String());
        calls.put("ringing", call("ringing", CallPhase.RINGING, START.plusSeconds(45), null));
        calls.put("ended", call("ended", CallPhase.ENDED, START.minusSeconds(10), START.minusSeconds(5)));
        CallSettings settings = CallSettings.defaults();
        CallCommandProcessor processor = new CallCommandProcessor(
                new CallDecider(
                        settings.ringTimeout(),
                        settings.maxDuration(),
                        settings.endedRetention(),
                        settings.maxCandidates()),
                CallMetrics.NONE,
                Duration.ofSeconds(1));
        context.setCurrentSystemTimeMs(START.toEpochMilli());

        // when the task starts, then its timer fires before and after the ring timeout
        processor.init(context);
        MockProcessorContext.CapturedPunctuator timer =
                context.scheduledPunctuators().get(0);
        timer.getPunctuator().punctuate(START.plusSeconds(44).toEpochMilli());
        int before = context.forwarded().size();
        context.setCurrentSystemTimeMs(START.plusSeconds(46).toEpochMilli());
        timer.getPunctuator().punctuate(START.plusSeconds(46).toEpochMilli());

        // then
        assertThat(before).isZero();
        List<String> missed = new ArrayList<>();
        for (MockProcessorContext.CapturedForward<?, ?> forward : context.forwarded()) {
            if (forward.record().value() instanceof Delivery delivery) {
                missed.add(forward.record().key() + " "
                        + delivery.getEvent().getAttributes().get("event"));
            }
        }
        assertThat(missed).containsExactlyInAnyOrder("bob.1 missed", "alice.1 missed");
        assertThat(calls.get("ringing").getOutcome()).isEqualTo(CallOutcome.MISSED);
        assertThat(lines.approximateNumEntries()).isZero();

        // and the ended call is forgotten once its retention has passed
        context.setCurrentSystemTimeMs(START.plus(Duration.ofMinutes(11)).toEpochMilli());
        timer.getPunctuator().punctuate(START.plus(Duration.ofMinutes(11)).toEpochMilli());
        assertThat(calls.get("ended")).isNull();
    }

    private static <V> KeyValueStore<String, V> store(
            MockProcessorContext<Object, Object> context,
            String name,
            org.apache.kafka.common.serialization.Serde<V> serde) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(name), Serdes.String(), serde)
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }

    private static CallState call(String callId, CallPhase phase, Instant ringUntil, Instant endedAt) {
        return CallState.newBuilder()
                .setCallId(callId)
                .setCallerUserId("alice")
                .setCallerDeviceId(1)
                .setCallerDevices(List.of(1))
                .setCalleeUserId("bob")
                .setCalleeDevices(List.of(1))
                .setMedia(CallMedia.AUDIO)
                .setPhase(phase)
                .setOutcome(phase == CallPhase.ENDED ? CallOutcome.DECLINED : null)
                .setStartedAt(ringUntil.minusSeconds(45))
                .setRingUntil(ringUntil)
                .setEndedAt(endedAt)
                .build();
    }
}
