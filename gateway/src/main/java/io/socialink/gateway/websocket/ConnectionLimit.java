package io.socialink.gateway.websocket;

import com.sun.management.UnixOperatingSystemMXBean;
import io.socialink.gateway.config.GatewayProperties;
import io.socialink.gateway.metrics.GatewayMetrics;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Mono;

/**
 * The most device WebSockets this node holds ({@code socialink.gateway.max-connections}). Every socket is an open
 * file; a process at its open-file limit accepts no connection at all (its health endpoints' neither) and cannot reach
 * Kafka, Postgres or Redis, so the cap keeps a reserve of descriptors for all of that. Without a setting the cap is
 * {@link #fromFileLimit derived} from the open-file limit at startup.
 *
 * <p>A {@link Slot} is taken atomically before the upgrade is answered and given back when the socket ends or the
 * upgrade fails. Slots count real sockets, not devices: a socket that replaces an older one of the same device holds
 * its own slot while the older one is still closing.
 */
@Component
public class ConnectionLimit {

    /** The fewest descriptors the derived cap leaves for everything but sockets. */
    static final int MIN_RESERVE = 1024;

    private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);

    private final int max;
    private final GatewayMetrics metrics;
    private final AtomicInteger held = new AtomicInteger();

    public ConnectionLimit(GatewayProperties properties, GatewayMetrics metrics) {
        this.metrics = metrics;
        if (properties.maxConnections() > 0) {
            this.max = properties.maxConnections();
            log.info("at most {} WebSockets on this node (socialink.gateway.max-connections)", max);
        } else {
            long fileLimit = openFileLimit();
            this.max = fromFileLimit(fileLimit);
            log.info(
                    "at most {} WebSockets on this node (derived from the open-file limit {}; set"
                            + " socialink.gateway.max-connections to choose)",
                    max,
                    fileLimit > 0 ? fileLimit : "unknown");
        }
        metrics.socketsLimitGauge(() -> max);
    }

    /**
     * The default cap for an open-file limit of {@code fileLimit}: limit − max(1024, limit / 10), at least 1; when the
     * limit is unknown (0 or less) there is nothing to derive from and sockets are not capped.
     */
    static int fromFileLimit(long fileLimit) {
        if (fileLimit <= 0) {
            return Integer.MAX_VALUE;
        }
        long cap = fileLimit - Math.max(MIN_RESERVE, fileLimit / 10);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, cap));
    }

    /**
     * The process's soft limit of open files; -1 where the JVM does not tell it. HotSpot raises the soft limit to the
     * hard one at startup, so this is the limit in force, which {@code ulimit -n} before the start may understate.
     */
    static long openFileLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }

    public int max() {
        return max;
    }

    /** Sockets holding a slot now, upgrades in progress included. */
    public int held() {
        return held.get();
    }

    /** A slot for one socket, or null (counted as refused) when the node holds its most sockets. */
    public @Nullable Slot tryReserve() {
        int current;
        do {
            current = held.get();
            if (current >= max) {
                metrics.socketRefused();
                return null;
            }
        } while (!held.compareAndSet(current, current + 1));
        return new Slot();
    }

    /** One socket's place under the cap, from before its upgrade until it ends; given back once. */
    public final class Slot {

        private final AtomicBoolean released = new AtomicBoolean();
        private volatile boolean handedOver;

        private Slot() {}

        /**
         * {@code handler} holding this slot for as long as the socket it handles lives. Reactor Netty calls the handler
         * right after a successful handshake and only then (no subprotocols are negotiated).
         */
        public WebSocketHandler heldBy(WebSocketHandler handler) {
            return new WebSocketHandler() {
                @Override
                public Mono<Void> handle(WebSocketSession session) {
                    handedOver = true;
                    return Mono.defer(() -> handler.handle(session)).doFinally(signal -> release());
                }

                @Override
                public List<String> getSubProtocols() {
                    return handler.getSubProtocols();
                }
            };
        }

        /** After the upgrade ended: gives the slot back unless a socket now holds it (the upgrade failed). */
        public void releaseUnlessHandedOver() {
            if (!handedOver) {
                release();
            }
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                held.decrementAndGet();
            }
        }
    }
}
