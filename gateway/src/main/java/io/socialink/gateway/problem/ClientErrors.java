package io.socialink.gateway.problem;

import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.gateway.metrics.GatewayMetrics;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Records a client's mistake (a malformed HTTP request, a WebSocket protocol violation, a bad frame): counts it in
 * {@link GatewayMetrics#CLIENT_ERRORS} by {@code kind} and logs it at debug, at most once per second with the number
 * left out since, so a client cannot flood the logs. Never logs request content.
 */
@Component
public class ClientErrors {

    /** A request the HTTP decoder could not parse (bad request line, URI or headers too long). */
    public static final String HTTP_DECODER = "http-decoder";
    /** An error response the web layer sent without a body (e.g. a rejected path or URI). */
    public static final String HTTP_REJECTED = "http-rejected";
    /** A WebSocket frame that breaks the protocol (bad UTF-8, reserved bits, bad close code). */
    public static final String WEBSOCKET_PROTOCOL = "websocket-protocol";
    /** A well-formed WebSocket frame whose content is not a valid client frame. */
    public static final String WEBSOCKET_FRAME = "websocket-frame";

    private static final Logger log = LoggerFactory.getLogger(ClientErrors.class);
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final MeterRegistry registry;
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    private final AtomicLong suppressed = new AtomicLong();

    public ClientErrors(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(String kind, String detail) {
        registry.counter(GatewayMetrics.CLIENT_ERRORS, "kind", kind).increment();
        if (!log.isDebugEnabled()) {
            return;
        }
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLog.compareAndSet(last, now)) {
            log.debug("client error {}: {} ({} more since the last one logged)", kind, detail, suppressed.getAndSet(0));
        } else {
            suppressed.incrementAndGet();
        }
    }
}
