package io.socialink.gateway.problem;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Hooks;
import reactor.netty.channel.AbortedException;

/**
 * Reactor's handling of errors signalled after a sequence ended: a connection the client aborted or reset, or that
 * was closed for a protocol violation (Reactor Netty's {@link AbortedException}, a reset or broken pipe), is logged
 * at debug, so a client cannot flood the log with them; every other dropped error is still logged as an error, with
 * its stack trace.
 */
@Component
public class DroppedErrors {

    private static final Logger log = LoggerFactory.getLogger(DroppedErrors.class);

    public DroppedErrors() {
        Hooks.onErrorDropped(DroppedErrors::onDropped);
    }

    static void onDropped(Throwable error) {
        if (error instanceof AbortedException || AbortedException.isConnectionReset(error)) {
            log.debug("error after the connection ended: {}", error.toString());
        } else {
            log.error("Operator called default onErrorDropped", error);
        }
    }

    @PreDestroy
    void reset() {
        Hooks.resetOnErrorDropped();
    }
}
