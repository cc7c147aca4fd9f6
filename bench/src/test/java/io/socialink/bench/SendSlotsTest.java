package io.socialink.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SendSlotsTest {

    @Test
    void shouldCountAWaitForAFreeSlotAsSaturatedAndGiveUpAtTheDeadline() throws Exception {
        // given
        SendSlots slots = new SendSlots(1);
        assertThat(slots.acquire(System.nanoTime())).isTrue();

        // when
        boolean second = slots.acquire(System.nanoTime());

        // then
        assertThat(second).isFalse();
        assertThat(slots.saturated()).isEqualTo(1);
        assertThat(slots.inFlight()).isEqualTo(1);
    }

    @Test
    void shouldFreeTheSlotAndHandOverTheAckTimeOfASuccessfulSend() throws Exception {
        // given
        SendSlots slots = new SendSlots(2);
        ErrorCounts errors = new ErrorCounts();
        AtomicLong acked = new AtomicLong();
        slots.acquire(System.nanoTime());

        // when
        slots.send(() -> CompletableFuture.completedFuture("201"), errors, acked::set);

        // then
        assertThat(acked.get()).isNotZero();
        assertThat(slots.inFlight()).isZero();
        assertThat(errors.total()).isZero();
    }

    @Test
    void shouldFreeTheSlotAndCountTheErrorOfAFailedOrThrowingSend() throws Exception {
        // given
        SendSlots slots = new SendSlots(2);
        ErrorCounts errors = new ErrorCounts();
        AtomicLong acked = new AtomicLong();
        slots.acquire(System.nanoTime());
        slots.acquire(System.nanoTime());

        // when
        slots.send(() -> CompletableFuture.failedFuture(new IOException("reset")), errors, acked::set);
        slots.send(
                () -> {
                    throw new IllegalStateException("closed");
                },
                errors,
                acked::set);

        // then
        assertThat(acked.get()).isZero();
        assertThat(slots.inFlight()).isZero();
        assertThat(errors.snapshot())
                .containsOnly(
                        java.util.Map.entry("io-IOException", 1L), java.util.Map.entry("IllegalStateException", 1L));
        assertThat(errors.total()).isEqualTo(2);
    }
}
