package io.socialink.client.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EnvelopeCollectorTest {

    @Test
    void shouldHandOutEnvelopesInArrivalOrder() throws Exception {
        // given
        EnvelopeCollector collector = new EnvelopeCollector();
        Envelope first = envelope();
        Envelope second = envelope();
        collector.onEnvelope(first);
        collector.onEnvelope(second);

        // when
        var taken = collector.next(2, Duration.ofSeconds(1));

        // then
        assertThat(taken).containsExactly(first, second);
        assertThat(collector.received()).containsExactly(first, second);
    }

    @Test
    void shouldReturnWhatArrivedWhenTheTimeRunsOut() throws Exception {
        // given
        EnvelopeCollector collector = new EnvelopeCollector();
        collector.onEnvelope(envelope());

        // when
        var taken = collector.next(3, Duration.ofMillis(50));
        Envelope none = collector.next(Duration.ofMillis(10));

        // then
        assertThat(taken).hasSize(1);
        assertThat(none).isNull();
    }

    @Test
    void shouldRecordTheCloseStatus() {
        // given
        EnvelopeCollector collector = new EnvelopeCollector();

        // when
        collector.onClose(new CloseStatus(CloseStatus.REPLACED, "superseded"));

        // then
        assertThat(collector.closed()).isCompletedWithValueMatching(CloseStatus::isReplaced);
    }

    private static Envelope envelope() {
        return new Envelope(UUID.randomUUID(), "alice", 1, 3, new byte[] {1}, 1L, null);
    }
}
