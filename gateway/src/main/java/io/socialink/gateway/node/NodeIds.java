package io.socialink.gateway.node;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Resolves {@code socialink.gateway.node-id} ({@code GATEWAY_NODE_ID}) while the environment is prepared: a number
 * stays as it is; {@code auto} leases the lowest free id in Redis ({@link NodeIdLease}) and puts it in place of
 * {@code auto}, with the lease's holder, so every part of the node that uses its id finds a number. The lease is
 * renewed from the moment it is taken; the node's {@link NodeLeaseKeeper} takes the renewals over.
 */
public final class NodeIds {

    public static final String NODE_ID_PROPERTY = "socialink.gateway.node-id";
    public static final String HOLDER_PROPERTY = "socialink.gateway.node-lease-holder";
    static final String REDIS_URL_PROPERTY = "spring.data.redis.url";
    static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
    static final String AUTO = "auto";
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(10);

    /**
     * A lease nobody took over by then belongs to a startup that failed: it is let go. Longer than any startup (a
     * first start on a busy machine takes about a minute).
     */
    static final Duration ADOPTION_TIMEOUT = Duration.ofMinutes(5);

    /** Leases taken while an environment was prepared, renewed until the node's {@link NodeLeaseKeeper} takes them. */
    private static final ConcurrentMap<String, LeaseRenewer> UNADOPTED = new ConcurrentHashMap<>();

    private NodeIds() {}

    public static void resolve(ConfigurableEnvironment environment) {
        String configured = environment.getProperty(NODE_ID_PROPERTY, "0").trim();
        if (!AUTO.equalsIgnoreCase(configured)) {
            return;
        }
        int nodeIds = Integer.parseInt(environment.getProperty("socialink.topics.push-partitions", "8"));
        String prefix = environment.getProperty("socialink.topics.prefix", "");
        String url = environment.getProperty(REDIS_URL_PROPERTY, DEFAULT_REDIS_URL);
        String holder = newHolder();
        RedisClient client = RedisClient.create(url);
        client.setDefaultTimeout(REDIS_TIMEOUT);
        NodeIdLease lease;
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            lease = NodeIdLease.acquire(connection.sync(), prefix, nodeIds, holder)
                    .orElseThrow(() -> new IllegalStateException("GATEWAY_NODE_ID=auto: all " + nodeIds
                            + " gateway node ids (the partitions of gateway.push) are taken by running nodes;"
                            + " raise SOCIALINK_TOPICS_PUSH_PARTITIONS (and the partitions of gateway.push and the"
                            + " reply topics) to run more nodes"));
        } finally {
            client.shutdown();
        }
        // renewed from now on: the rest of the startup (migrations, Kafka) may take longer than the lease lives
        UNADOPTED.put(holder, LeaseRenewer.renewing(lease, url));
        CompletableFuture.delayedExecutor(ADOPTION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> {
                    LeaseRenewer abandoned = UNADOPTED.remove(holder);
                    if (abandoned != null) {
                        abandoned.close();
                    }
                });
        environment
                .getPropertySources()
                .addFirst(new MapPropertySource(
                        "gatewayNodeLease",
                        Map.of(NODE_ID_PROPERTY, Integer.toString(lease.nodeId()), HOLDER_PROPERTY, holder)));
    }

    /** The renewals of the lease taken for {@code holder} at startup, from now on the caller's to close. */
    static @Nullable LeaseRenewer adopt(String holder) {
        return UNADOPTED.remove(holder);
    }

    /** Host, process and a random part: a restarted process on the same host is another holder. */
    static String newHolder() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "/" + ManagementFactory.getRuntimeMXBean().getPid() + "/" + UUID.randomUUID();
    }
}
