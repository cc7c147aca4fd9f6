package io.socialink.gateway.problem;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.socialink.gateway.metrics.GatewayMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ClientErrorsTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(ClientErrors.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level level;

    @BeforeEach
    void capture() {
        level = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
        logger.setLevel(level);
    }

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
        assertThat(appender.list).hasSizeBetween(1, (int) (1 + seconds));
        assertThat(appender.list)
                .allSatisfy(event -> assertThat(event.getLevel()).isEqualTo(Level.DEBUG));
    }
}
