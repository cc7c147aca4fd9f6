package io.socialink.client.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {

    private final ReconnectPolicy policy = new ReconnectPolicy(Duration.ofMillis(100), Duration.ofSeconds(2), 5);

    @Test
    void shouldDoubleTheCeilingUpToTheMaximum() {
        // when / then
        assertThat(policy.ceiling(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.ceiling(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.ceiling(5)).isEqualTo(Duration.ofMillis(1600));
        assertThat(policy.ceiling(6)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.ceiling(1_000)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void shouldDrawJitteredDelaysFromTheUpperHalfOfTheCeiling() {
        // when
        long distinct = java.util.stream.IntStream.range(0, 200)
                .mapToObj(i -> policy.delay(4))
                .peek(delay -> assertThat(delay).isBetween(Duration.ofMillis(400), Duration.ofMillis(800)))
                .distinct()
                .count();

        // then
        assertThat(distinct).isGreaterThan(10);
    }

    @Test
    void shouldNeverReconnectAfterAFinalClose() {
        // when / then
        assertThat(policy.reconnectsAfter(new CloseStatus(CloseStatus.ABNORMAL, "EOF")))
                .isTrue();
        assertThat(policy.reconnectsAfter(new CloseStatus(1001, "going away"))).isTrue();
        assertThat(policy.reconnectsAfter(new CloseStatus(1013, "client too slow, reconnect")))
                .isTrue();
        assertThat(policy.reconnectsAfter(new CloseStatus(CloseStatus.REPLACED, "superseded")))
                .isFalse();
        assertThat(policy.reconnectsAfter(new CloseStatus(CloseStatus.DEVICE_REMOVED, "device removed")))
                .isFalse();
        assertThat(policy.reconnectsAfter(new CloseStatus(CloseStatus.LISTENER_FAILED, "failed")))
                .isFalse();
        assertThat(ReconnectPolicy.NONE.reconnectsAfter(new CloseStatus(CloseStatus.ABNORMAL, "EOF")))
                .isFalse();
    }

    @Test
    void shouldBoundTheAttempts() {
        // when / then
        assertThat(policy.allows(5)).isTrue();
        assertThat(policy.allows(6)).isFalse();
        assertThatThrownBy(() -> new ReconnectPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 3))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldPingEveryThirtySecondsUnlessToldOtherwise() {
        // when / then
        assertThat(ReconnectPolicy.DEFAULT.keepAlive()).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.keepAlive()).isEqualTo(ReconnectPolicy.DEFAULT_KEEP_ALIVE);
        assertThatThrownBy(() -> new ReconnectPolicy(Duration.ofSeconds(1), Duration.ofSeconds(2), 3, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
