package io.socialink.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReceiptLedgerTest {

    private static final String RECIPIENT = "bob.1";

    @Test
    void shouldTimeTheFirstAndTheLastSenderDeviceFromTheAck() {
        // given
        ReceiptLedger ledger = new ReceiptLedger(2);
        UUID message = UUID.randomUUID();
        ledger.acked(message, RECIPIENT, true, 1_000);

        // when
        ReceiptLedger.Match first = ledger.receipt(message, RECIPIENT, 1, 4_000);
        ReceiptLedger.Match last = ledger.receipt(message, RECIPIENT, 0, 9_000);

        // then
        assertThat(first).isEqualTo(new ReceiptLedger.Match(true, false, true, 3_000));
        assertThat(last).isEqualTo(new ReceiptLedger.Match(false, true, true, 8_000));
        assertThat(ledger.firstSeen()).isEqualTo(1);
        assertThat(ledger.allSeen()).isEqualTo(1);
        assertThat(ledger.incomplete()).isZero();
    }

    @Test
    void shouldMakeTheOnlyReceiptBothFirstAndLastWithOneObserver() {
        // given
        ReceiptLedger ledger = new ReceiptLedger(1);
        UUID message = UUID.randomUUID();
        ledger.acked(message, RECIPIENT, false, 0);

        // when
        ReceiptLedger.Match match = ledger.receipt(message, RECIPIENT, 0, 5);

        // then
        assertThat(match).isEqualTo(new ReceiptLedger.Match(true, true, false, 5));
    }

    @Test
    void shouldCountARepeatOnTheSameDeviceWithoutTimingIt() {
        // given
        ReceiptLedger ledger = new ReceiptLedger(2);
        UUID message = UUID.randomUUID();
        ledger.acked(message, RECIPIENT, true, 0);
        ledger.receipt(message, RECIPIENT, 0, 10);

        // when
        ReceiptLedger.Match repeat = ledger.receipt(message, RECIPIENT, 0, 20);

        // then
        assertThat(repeat.matched()).isFalse();
        assertThat(ledger.repeated()).isEqualTo(1);
        assertThat(ledger.allSeen()).isZero();
        assertThat(ledger.incomplete()).isEqualTo(1);
    }

    @Test
    void shouldSetAsideReceiptsAboutAnotherDeviceThanTheRecipient() {
        // given a sender's linked device acked its own copy of the message
        ReceiptLedger ledger = new ReceiptLedger(2);
        UUID message = UUID.randomUUID();
        ledger.acked(message, RECIPIENT, true, 0);

        // when
        ReceiptLedger.Match match = ledger.receipt(message, "alice.2", 0, 10);

        // then
        assertThat(match.matched()).isFalse();
        assertThat(ledger.otherDevice()).isEqualTo(1);
        assertThat(ledger.firstSeen()).isZero();
    }

    @Test
    void shouldCountAReceiptForAMessageNobodyAckedAsUnmatched() {
        // given
        ReceiptLedger ledger = new ReceiptLedger(2);

        // when
        ReceiptLedger.Match match = ledger.receipt(UUID.randomUUID(), RECIPIENT, 1, 10);

        // then
        assertThat(match.matched()).isFalse();
        assertThat(ledger.unmatched()).isEqualTo(1);
    }

    @Test
    void shouldKeepTheFirstAckTimeWhenAMessageIsAckedAgain() {
        // given
        ReceiptLedger ledger = new ReceiptLedger(1);
        UUID message = UUID.randomUUID();
        ledger.acked(message, RECIPIENT, true, 100);

        // when
        ledger.acked(message, RECIPIENT, true, 500);

        // then
        assertThat(ledger.acks()).isEqualTo(1);
        assertThat(ledger.receipt(message, RECIPIENT, 0, 700).delayNanos()).isEqualTo(600);
    }

    @Test
    void shouldCountMeasuredMessagesByHowManyDevicesSawTheirReceipt() {
        // given
        ReceiptLedger ledger = new ReceiptLedger(2);
        UUID none = UUID.randomUUID();
        UUID one = UUID.randomUUID();
        UUID both = UUID.randomUUID();
        UUID warmup = UUID.randomUUID();
        ledger.acked(none, RECIPIENT, true, 0);
        ledger.acked(one, RECIPIENT, true, 0);
        ledger.acked(both, RECIPIENT, true, 0);
        ledger.acked(warmup, RECIPIENT, false, 0);

        // when
        ledger.receipt(one, RECIPIENT, 1, 1);
        ledger.receipt(both, RECIPIENT, 0, 1);
        ledger.receipt(both, RECIPIENT, 1, 2);

        // then
        assertThat(ledger.measuredBySeen()).containsExactly(1, 1, 1);
        assertThat(ledger.incomplete()).isEqualTo(3);
    }

    @Test
    void shouldRefuseAnObserverOutsideItsRange() {
        // given
        ReceiptLedger ledger = new ReceiptLedger(2);

        // when / then
        assertThatThrownBy(() -> ledger.receipt(UUID.randomUUID(), RECIPIENT, 2, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
