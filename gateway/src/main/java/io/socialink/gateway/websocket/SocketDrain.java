package io.socialink.gateway.websocket;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * Drains this node's sockets when it shuts down (SIGTERM), before the web server's graceful shutdown waits for the
 * open connections: new sockets are closed at once with 1001, and every open socket finishes its send in progress
 * (its result frame is written), writes the frames already queued for it and is closed with 1001 "server shutting
 * down, reconnect"; clients reconnect, to another node behind a load balancer. Sends that were queued behind the one
 * in progress are not produced (the client retries them with the same idempotency key when its connection ends
 * without their result), and pushes that come after a socket's drain began are dropped: their entries stay queued
 * and drain on the reconnect. Then the web server's graceful shutdown lets REST requests in flight finish.
 */
@Component
public class SocketDrain implements SmartLifecycle {

    /** How long the drain waits for sends in flight; then the web server's own shutdown closes what is left. */
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private static final Logger log = LoggerFactory.getLogger(SocketDrain.class);

    private final SocketRegistry registry;
    private volatile boolean running;
    private volatile boolean draining;

    public SocketDrain(SocketRegistry registry) {
        this.registry = registry;
    }

    /** Whether this node is shutting down: a new socket is closed at once. */
    public boolean isDraining() {
        return draining;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        CountDownLatch drained = new CountDownLatch(1);
        stop(drained::countDown);
        try {
            drained.await(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop(Runnable callback) {
        draining = true;
        running = false;
        int sockets = registry.size();
        log.info("draining {} sockets", sockets);
        Flux.fromIterable(registry.all())
                .flatMap(socket -> socket.drain(LiveSocket.GOING_AWAY))
                .then()
                .timeout(TIMEOUT)
                .doFinally(signal -> {
                    log.info("drained {} sockets ({})", sockets, signal);
                    callback.run();
                })
                .subscribe(null, error -> log.warn("socket drain did not finish: {}", error.toString()));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the web server's graceful shutdown, which would otherwise wait for every open socket. */
    @Override
    public int getPhase() {
        return WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE + 1;
    }
}
