package io.socialink.gateway.messages;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SendReceiptTest {

    @Test
    void shouldRoundTripThroughItsStoredForm() {
        // given
        SendReceipt receipt = new SendReceipt("f839dd8d-0a6d-3f0e-8e77-fa6205f158f2", 1_795_639_899_944L, 3);

        // when
        SendReceipt decoded = SendReceipt.decode(receipt.encode());

        // then
        assertThat(decoded).isEqualTo(receipt);
    }

    @Test
    void shouldIgnoreValuesItDidNotWrite() {
        assertThat(SendReceipt.decode("garbage")).isNull();
        assertThat(SendReceipt.decode("a,b,c")).isNull();
        assertThat(SendReceipt.decode(null)).isNull();
    }
}
