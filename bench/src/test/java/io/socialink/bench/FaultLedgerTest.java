package io.socialink.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaultLedgerTest {

    private final FaultLedger ledger = new FaultLedger();

    @Test
    void shouldCountNothingWhenEveryAcknowledgedCopyArrivedOnceInOrder() {
        // given
        ledger.acked("a.1", List.of("b.1", "c.1"), 0);
        ledger.acked("a.1", List.of("b.1", "c.1"), 1);

        // when
        ledger.arrived("a.1", "b.1", 0);
        ledger.arrived("a.1", "c.1", 0);
        ledger.arrived("a.1", "b.1", 1);
        ledger.arrived("a.1", "c.1", 1);

        // then
        assertThat(ledger.ackedCopies()).isEqualTo(4);
        assertThat(ledger.missing()).isZero();
        assertThat(ledger.duplicates()).isZero();
        assertThat(ledger.orderGaps()).isZero();
    }

    @Test
    void shouldCountAMissingCopyPerRecipient() {
        // given
        ledger.acked("a.1", List.of("b.1", "c.1"), 0);

        // when
        ledger.arrived("a.1", "b.1", 0);

        // then
        assertThat(ledger.missing()).isEqualTo(1);
        assertThat(ledger.missingCopies(10)).containsExactly("a.1>c.1#0");
    }

    @Test
    void shouldNameTheFirstMissingCopiesInStreamAndSequenceOrder() {
        // given
        ledger.acked("b.1", List.of("c.1"), 7);
        ledger.acked("a.1", List.of("c.1"), 3);
        ledger.acked("a.1", List.of("c.1"), 1);
        ledger.acked("a.1", List.of("c.1"), 2);

        // when
        ledger.arrived("a.1", "c.1", 2);

        // then
        assertThat(ledger.missingCopies(2)).containsExactly("a.1>c.1#1", "a.1>c.1#3");
        assertThat(ledger.missingCopies(10)).containsExactly("a.1>c.1#1", "a.1>c.1#3", "b.1>c.1#7");
    }

    @Test
    void shouldCountASecondArrivalOfTheSameCopyAsADuplicate() {
        // given
        ledger.acked("a.1", List.of("b.1"), 0);

        // when
        ledger.arrived("a.1", "b.1", 0);
        ledger.arrived("a.1", "b.1", 0);

        // then
        assertThat(ledger.duplicates()).isEqualTo(1);
        assertThat(ledger.missing()).isZero();
    }

    @Test
    void shouldCountAnArrivalThatOvertookAnAcknowledgedEarlierCopy() {
        // given
        ledger.acked("a.1", List.of("b.1"), 0);
        ledger.acked("a.1", List.of("b.1"), 1);
        ledger.acked("a.1", List.of("b.1"), 2);

        // when 2 arrives while 1 is still missing
        ledger.arrived("a.1", "b.1", 0);
        ledger.arrived("a.1", "b.1", 2);
        ledger.arrived("a.1", "b.1", 1);

        // then
        assertThat(ledger.orderGaps()).isEqualTo(1);
        assertThat(ledger.missing()).isZero();
    }

    @Test
    void shouldNotCountAGapForAMessageThatWasNeverAcknowledged() {
        // given 1 was given up by its sender
        ledger.acked("a.1", List.of("b.1"), 0);
        ledger.acked("a.1", List.of("b.1"), 2);

        // when
        ledger.arrived("a.1", "b.1", 0);
        ledger.arrived("a.1", "b.1", 2);

        // then
        assertThat(ledger.orderGaps()).isZero();
        assertThat(ledger.missing()).isZero();
    }
}
