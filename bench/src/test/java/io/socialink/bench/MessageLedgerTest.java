package io.socialink.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageLedgerTest {

    @Test
    void shouldCountAcknowledgedButNotReceivedAsLost() {
        // given
        MessageLedger ledger = new MessageLedger(4);
        ledger.acked(0);
        ledger.acked(1);
        ledger.acked(2);

        // when
        ledger.received(0);
        ledger.received(3);

        // then
        assertThat(ledger.acked()).isEqualTo(3);
        assertThat(ledger.received()).isEqualTo(2);
        assertThat(ledger.lost()).isEqualTo(2);
    }

    @Test
    void shouldCountAReceptionBeforeItsAcknowledgement() {
        // given
        MessageLedger ledger = new MessageLedger(1);

        // when
        ledger.received(0);
        ledger.acked(0);

        // then
        assertThat(ledger.lost()).isZero();
    }

    @Test
    void shouldCountDuplicatesAndUnknownSequences() {
        // given
        MessageLedger ledger = new MessageLedger(2);

        // when
        boolean first = ledger.received(1);
        boolean again = ledger.received(1);
        ledger.received(7);

        // then
        assertThat(first).isTrue();
        assertThat(again).isFalse();
        assertThat(ledger.duplicates()).isEqualTo(1);
        assertThat(ledger.unknown()).isEqualTo(1);
    }
}
