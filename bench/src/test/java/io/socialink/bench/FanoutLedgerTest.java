package io.socialink.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.client.socket.Envelope;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FanoutLedgerTest {

    @Test
    void shouldKeepTheFirstArrivalPerDeviceAndCountTheRestAsDuplicates() throws Exception {
        // given
        FanoutLedger ledger = new FanoutLedger(3);
        UUID id = UUID.randomUUID();

        // when
        ledger.arrived(id, Envelope.MLS_APPLICATION, 0, 10);
        ledger.arrived(id, Envelope.MLS_APPLICATION, 1, 20);
        ledger.arrived(id, Envelope.MLS_APPLICATION, 1, 99);
        ledger.arrived(id, Envelope.MLS_APPLICATION, 2, 30);

        // then
        FanoutLedger.Slot slot = ledger.awaitComplete("m", () -> ledger.slot(id), Duration.ofSeconds(1));
        assertThat(slot.arrivals()).containsExactly(10, 20, 30);
        assertThat(ledger.duplicates()).isEqualTo(1);
        assertThat(ledger.others(Set.of(id))).isEmpty();
    }

    @Test
    void shouldFindTheWelcomeByItsType() {
        // given
        FanoutLedger ledger = new FanoutLedger(2);
        UUID message = UUID.randomUUID();
        UUID welcome = UUID.randomUUID();

        // when
        ledger.arrived(message, Envelope.MLS_APPLICATION, 0, 1);
        ledger.arrived(welcome, Envelope.MLS_WELCOME, 1, 2);

        // then
        assertThat(ledger.welcome().messageId).isEqualTo(welcome);
    }

    @Test
    void shouldNameTheMissingDevicesOnTimeout() {
        // given
        FanoutLedger ledger = new FanoutLedger(3);
        UUID id = UUID.randomUUID();
        ledger.arrived(id, Envelope.MLS_APPLICATION, 1, 5);

        // then
        assertThatThrownBy(() -> ledger.awaitComplete("single message 0", () -> ledger.slot(id), Duration.ofMillis(20)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("single message 0: 1 of 3 devices")
                .hasMessageContaining("[0, 2]");
    }

    @Test
    void shouldTakeTheMedianOfOddAndEvenCounts() {
        assertThat(GroupFanoutBench.median(new double[] {3, 1, 2})).isEqualTo(2);
        assertThat(GroupFanoutBench.median(new double[] {4, 1, 2, 3})).isEqualTo(2.5);
    }
}
