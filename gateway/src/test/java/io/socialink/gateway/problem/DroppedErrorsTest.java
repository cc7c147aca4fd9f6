package io.socialink.gateway.problem;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DroppedErrorsTest {

    @RegisterExtension
    final CapturedLog log = new CapturedLog(DroppedErrors.class);

    @Test
    void shouldLogAConnectionTheClientResetAtDebugAndAnythingElseAsAnError() {
        // when
        DroppedErrors.onDropped(new IOException("recvAddress(..) failed: Connection reset by peer"));
        DroppedErrors.onDropped(new IOException("writev(..) failed: Broken pipe"));
        DroppedErrors.onDropped(new IllegalStateException("a bug"));

        // then
        assertThat(log.events())
                .extracting(ILoggingEvent::getLevel)
                .containsExactly(Level.DEBUG, Level.DEBUG, Level.ERROR);
    }
}
