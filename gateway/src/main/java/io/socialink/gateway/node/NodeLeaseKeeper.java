package io.socialink.gateway.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.gateway.config.GatewayProperties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Holds this node's id in Redis while the node runs ({@link NodeIdLease}): takes over the renewals of an id leased
 * at startup ({@code auto}, {@link NodeIds}), or holds a fixed id so that {@code auto} nodes skip it; frees it when
 * the node stops. A leased id found taken by another process (this node stalled longer than the TTL) is logged and
 * counted ({@code socialink_gateway_node_lease_lost_total}); both nodes then read the same partitions, which costs
 * reads, not correctness.
 */
@Component
public class NodeLeaseKeeper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NodeLeaseKeeper.class);

    private final int nodeId;
    private final String topicPrefix;
    private final String redisUrl;
    private final Counter lost;
    private @Nullable LeaseRenewer renewer;

    public NodeLeaseKeeper(GatewayProperties gateway, Environment environment, MeterRegistry registry) {
        this.nodeId = gateway.nodeId();
        this.topicPrefix = environment.getProperty("socialink.topics.prefix", "");
        this.redisUrl = environment.getProperty(NodeIds.REDIS_URL_PROPERTY, NodeIds.DEFAULT_REDIS_URL);
        this.lost = Counter.builder("socialink.gateway.node.lease.lost")
                .description("renewals that found this node's leased id held by another process")
                .register(registry);
        String holder = environment.getProperty(NodeIds.HOLDER_PROPERTY);
        this.renewer = holder == null ? null : NodeIds.adopt(holder);
    }

    @Override
    public synchronized void start() {
        if (renewer == null) {
            renewer = LeaseRenewer.holding(new NodeIdLease(topicPrefix, nodeId, NodeIds.newHolder()), redisUrl);
        }
        renewer.onLost(lost::increment);
        log.info(
                "gateway node id {} ({}), held in Redis as {}",
                nodeId,
                renewer.leased() ? "leased: GATEWAY_NODE_ID=auto" : "fixed by configuration",
                renewer.lease().holder());
    }

    /** Whether the last renewal found the id still this node's. */
    public boolean held() {
        LeaseRenewer current = renewer;
        return current != null && current.held();
    }

    @Override
    public synchronized void stop() {
        if (renewer != null) {
            renewer.close();
            renewer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return renewer != null;
    }
}
