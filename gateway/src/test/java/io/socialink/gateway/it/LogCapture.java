package io.socialink.gateway.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** Captures the WARN and ERROR lines the application logs while attached to the root logger. */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    /**
     * Loggers whose warnings are not about the requests under test: Kafka clients, and the status projection's
     * periodic sweep, which runs on its own schedule.
     */
    private static final List<String> UNRELATED = List.of("org.apache.kafka", "io.socialink.gateway.status");

    private final List<String> lines = new CopyOnWriteArrayList<>();

    static LogCapture attach() {
        LogCapture capture = new LogCapture();
        capture.setName("test-capture");
        capture.start();
        root().addAppender(capture);
        return capture;
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(Level.WARN)
                && UNRELATED.stream().noneMatch(prefix -> event.getLoggerName().startsWith(prefix))) {
            lines.add(event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage()
                    + (event.getThrowableProxy() == null
                            ? ""
                            : " [" + event.getThrowableProxy().getClassName() + "]"));
        }
    }

    /** The WARN and ERROR lines logged since the last call. */
    List<String> warningsAndErrors() {
        List<String> copy = List.copyOf(lines);
        lines.clear();
        return copy;
    }

    @Override
    public void close() {
        root().detachAppender(this);
        stop();
    }
}
