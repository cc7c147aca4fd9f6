package io.socialink.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The gateway's own meters; names are constants so dashboards and alerts can rely on them. */
public final class GatewayMetrics {

    /** Counter of sends by {@code outcome}: created, replayed (idempotent retry), rejected (4xx), failed (5xx). */
    public static final String SENDS = "socialink.gateway.sends";
    /** Timer from a valid send request to its 201, including the Kafka acknowledgement. */
    public static final String SEND_LATENCY = "socialink.gateway.send.latency";
    /** Gauge of live WebSockets on this node. */
    public static final String SOCKETS = "socialink.gateway.sockets";
    /**
     * Gauge of the most WebSockets this node holds ({@code socialink.gateway.max-connections}, or the default derived
     * from the open-file limit).
     */
    public static final String SOCKETS_LIMIT = "socialink.gateway.sockets.limit";
    /** Counter of WebSocket upgrades refused with 503 {@code connections-exhausted} because the node was at its cap. */
    public static final String SOCKETS_REFUSED = "socialink.gateway.sockets.refused";
    /** Counter of pushes written to a socket's outbound buffer. */
    public static final String PUSHES_WRITTEN = "socialink.gateway.pushes.written";
    /** Counter of pushes dropped: socket gone, connection replaced, unknown kind, or socket buffer full. */
    public static final String PUSHES_DROPPED = "socialink.gateway.pushes.dropped";
    /**
     * Timer from a message's acceptance (its {@code sentAt}, on the accepting node's clock) to its frame being written
     * to the recipient's socket: send→socket for online devices; a copy that waited in an offline queue counts its
     * wait too, so the high percentiles follow reconnects as well as the push path.
     */
    public static final String PUSH_AGE = "socialink.gateway.push.age";
    /**
     * Counter of group requests to group-fanout by {@code outcome}: accepted (2xx reply), refused (other reply),
     * timeout (no reply in time, 503), failed (not sent, 503).
     */
    public static final String GROUP_REQUESTS = "socialink.gateway.group.requests";
    /**
     * Counter of call requests to call-signaling by {@code outcome}, as {@link #GROUP_REQUESTS}: accepted, refused,
     * timeout (503 {@code call-service-unavailable}), failed (not sent, 503).
     */
    public static final String CALL_REQUESTS = "socialink.gateway.call.requests";

    /**
     * Counter of client mistakes by {@code kind}: http-decoder (a request the HTTP decoder rejected), http-rejected
     * (a request refused below the web layer), websocket-protocol (a frame breaking RFC 6455), websocket-frame (a
     * frame that is not a valid client frame). Logged at debug only, rate-limited.
     */
    public static final String CLIENT_ERRORS = "socialink.gateway.client.errors";

    private final MeterRegistry registry;
    private final Timer sendLatency;
    private final Counter pushesWritten;
    private final Counter pushesDropped;
    private final Counter socketsRefused;
    private final Timer pushAge;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.sendLatency = Timer.builder(SEND_LATENCY)
                .description("from a valid send to its answer, the Kafka acknowledgement included")
                .publishPercentileHistogram()
                .register(registry);
        this.pushesWritten = Counter.builder(PUSHES_WRITTEN)
                .description("pushes written to a socket's outbound buffer")
                .register(registry);
        this.pushesDropped = Counter.builder(PUSHES_DROPPED)
                .description("pushes dropped: socket gone or replaced, unknown kind, or socket buffer full")
                .register(registry);
        this.socketsRefused = Counter.builder(SOCKETS_REFUSED)
                .description("WebSocket upgrades refused because this node held its most sockets")
                .register(registry);
        this.pushAge = Timer.builder(PUSH_AGE)
                .description("from a message's acceptance to its frame written to the recipient's socket")
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry);
    }

    public void socketsGauge(Supplier<Number> liveSockets) {
        Gauge.builder(SOCKETS, liveSockets)
                .description("live WebSockets on this node")
                .register(registry);
    }

    public void socketsLimitGauge(Supplier<Number> limit) {
        Gauge.builder(SOCKETS_LIMIT, limit)
                .description("the most WebSockets this node holds")
                .register(registry);
    }

    public void socketRefused() {
        socketsRefused.increment();
    }

    public void send(String outcome) {
        registry.counter(SENDS, "outcome", outcome).increment();
    }

    public Timer sendLatency() {
        return sendLatency;
    }

    public void groupRequest(String outcome) {
        registry.counter(GROUP_REQUESTS, "outcome", outcome).increment();
    }

    public void callRequest(String outcome) {
        registry.counter(CALL_REQUESTS, "outcome", outcome).increment();
    }

    public void pushWritten() {
        pushesWritten.increment();
    }

    /** A message's frame written to its socket, {@code sentAt} being when its send was accepted. */
    public void pushed(Instant sentAt) {
        pushAge.record(Math.max(0, System.currentTimeMillis() - sentAt.toEpochMilli()), TimeUnit.MILLISECONDS);
    }

    public void pushDropped() {
        pushesDropped.increment();
    }
}
