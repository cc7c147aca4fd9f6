package io.socialink.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BenchPayloadTest {

    @Test
    void shouldCarrySequenceAndIntendedTimeInThePayloadSize() {
        // when
        byte[] payload = BenchPayload.encode(42, 123_456_789L, 256);

        // then
        assertThat(payload).hasSize(256);
        assertThat(BenchPayload.decode(payload)).isEqualTo(new BenchPayload.Stamp(42, 123_456_789L));
    }

    @Test
    void shouldIgnoreForeignContent() {
        // when / then
        assertThat(BenchPayload.decode("hello".getBytes(StandardCharsets.UTF_8)))
                .isNull();
        assertThat(BenchPayload.decode(new byte[64])).isNull();
    }
}
