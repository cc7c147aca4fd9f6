package io.socialink.gateway.problem;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.socialink.gateway.metrics.GatewayMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClientErrorsTest {

    @RegisterExtension
    final CapturedLog log = new CapturedLog(ClientErrors.class);

    @Test
    void shouldCountEveryClientErrorButLogAFloodAsOneDebugLine() {
        // given
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ClientErrors errors = new ClientErrors(registry);

        long start = System.nanoTime();

        // when
        for (int i = 0; i < 1000; i++) {
            errors.record(ClientErrors.WEBSOCKET_FRAME, "frame is not JSON");
        }

        // then
        assertThat(registry.counter(GatewayMetrics.CLIENT_ERRORS, "kind", ClientErrors.WEBSOCKET_FRAME)
                        .count())
                .isEqualTo(1000);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertThat(log.events()).hasSizeBetween(1, (int) (1 + seconds));
        assertThat(log.events())
                .allSatisfy(event -> assertThat(event.getLevel()).isEqualTo(Level.DEBUG));
    }
}
