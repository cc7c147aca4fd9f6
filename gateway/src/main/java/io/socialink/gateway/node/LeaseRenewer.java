package io.socialink.gateway.node;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one {@link NodeIdLease} held: every third of the TTL it renews a leased id, or holds a fixed one, on a
 * daemon thread with a Redis connection of its own (so neither a slow event loop nor a slow startup lets the lease
 * lapse), and releases it on {@link #close()}. A failed renewal (Redis unreachable) is retried at the next one.
 */
final class LeaseRenewer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaseRenewer.class);

    private final NodeIdLease lease;
    private final boolean leased;
    private final RedisClient client;
    private final ScheduledExecutorService thread;
    private @Nullable StatefulRedisConnection<String, String> connection;
    private volatile Runnable onLost = () -> {};
    private volatile boolean held = true;
    private boolean closed;

    private LeaseRenewer(NodeIdLease lease, boolean leased, String redisUrl) {
        this.lease = lease;
        this.leased = leased;
        this.client = RedisClient.create(redisUrl);
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread renewals = new Thread(runnable, "gateway-node-lease");
            renewals.setDaemon(true);
            return renewals;
        });
    }

    /** Renews {@code lease}, taken just now with {@code SET NX}, from one renewal period on. */
    static LeaseRenewer renewing(NodeIdLease lease, String redisUrl) {
        LeaseRenewer renewer = new LeaseRenewer(lease, true, redisUrl);
        renewer.schedule(period());
        return renewer;
    }

    /** Holds a fixed id, starting now. */
    static LeaseRenewer holding(NodeIdLease lease, String redisUrl) {
        LeaseRenewer renewer = new LeaseRenewer(lease, false, redisUrl);
        renewer.schedule(0);
        return renewer;
    }

    private static long period() {
        return NodeIdLease.TTL.toMillis() / 3;
    }

    private void schedule(long initialDelayMillis) {
        thread.scheduleWithFixedDelay(this::renew, initialDelayMillis, period(), TimeUnit.MILLISECONDS);
    }

    /** Runs whenever a renewal first finds the leased id held by another process. */
    void onLost(Runnable action) {
        this.onLost = action;
    }

    NodeIdLease lease() {
        return lease;
    }

    boolean leased() {
        return leased;
    }

    /** Whether the last renewal found the id still this node's. */
    boolean held() {
        return held;
    }

    private synchronized void renew() {
        if (closed) {
            return;
        }
        try {
            if (!leased) {
                lease.claim(redis());
                return;
            }
            boolean ours = lease.renew(redis());
            if (!ours && held) {
                log.error(
                        "gateway node id {} is now held by {}: this node stalled past its lease; both read that"
                                + " id's partitions until one of them restarts",
                        lease.nodeId(),
                        lease.currentHolder(redis()).orElse("nobody"));
                onLost.run();
            }
            held = ours;
        } catch (RuntimeException e) {
            log.warn("gateway node id {}: lease not renewed ({}); retrying", lease.nodeId(), e.toString());
            dropConnection();
        }
    }

    private RedisCommands<String, String> redis() {
        StatefulRedisConnection<String, String> current = connection;
        if (current == null || !current.isOpen()) {
            current = client.connect();
            connection = current;
        }
        return current.sync();
    }

    private void dropConnection() {
        if (connection != null) {
            connection.closeAsync();
            connection = null;
        }
    }

    /** Stops renewing and frees the id at once if this process still holds it (otherwise it expires by itself). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        thread.shutdownNow();
        try {
            lease.release(redis());
        } catch (RuntimeException e) {
            log.debug("gateway node id {} not released ({}); it expires by itself", lease.nodeId(), e.toString());
        }
        dropConnection();
        client.shutdown();
    }
}
