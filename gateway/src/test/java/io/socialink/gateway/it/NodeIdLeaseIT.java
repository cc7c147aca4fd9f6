package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.socialink.gateway.config.GatewayProperties;
import io.socialink.gateway.node.NodeIdLease;
import io.socialink.gateway.node.NodeLeaseKeeper;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gateway node ids leased in Redis ({@code GATEWAY_NODE_ID=auto}): identical nodes get distinct ids, a node's id
 * is free again when it stops, and a lease lost to another holder is reported, not silently kept.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class NodeIdLeaseIT {

    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> redis;

    @BeforeEach
    void connect(RedisTestEnv env) {
        client = RedisClient.create(env.url());
        connection = client.connect();
        redis = connection.sync();
    }

    @AfterEach
    void disconnect() {
        connection.close();
        client.shutdown();
    }

    @Test
    void shouldLeaseTheLowestFreeIdAndNoneWhenAllAreTaken() {
        // given
        String prefix = "lease-it-" + UUID.randomUUID() + ".";

        // when
        Optional<NodeIdLease> first = NodeIdLease.acquire(redis, prefix, 2, "first");
        Optional<NodeIdLease> second = NodeIdLease.acquire(redis, prefix, 2, "second");
        Optional<NodeIdLease> third = NodeIdLease.acquire(redis, prefix, 2, "third");
        first.orElseThrow().release(redis);
        Optional<NodeIdLease> fourth = NodeIdLease.acquire(redis, prefix, 2, "fourth");

        // then
        assertThat(first).map(NodeIdLease::nodeId).contains(0);
        assertThat(second).map(NodeIdLease::nodeId).contains(1);
        assertThat(third).isEmpty();
        assertThat(fourth).map(NodeIdLease::nodeId).contains(0);
        assertThat(redis.pttl("socialink:gateway-nodes:" + prefix + "0"))
                .isPositive()
                .isLessThanOrEqualTo(NodeIdLease.TTL.toMillis());
    }

    @Test
    void shouldRenewOnlyWhileTheIdIsStillTheHoldersOrFree() {
        // given
        String prefix = "lease-it-" + UUID.randomUUID() + ".";
        NodeIdLease lease = NodeIdLease.acquire(redis, prefix, 1, "stalled").orElseThrow();

        // when the key expired, nobody took it: renewing takes it back
        redis.del("socialink:gateway-nodes:" + prefix + "0");
        boolean retaken = lease.renew(redis);
        // when another process holds it (it expired and was taken): renewing leaves it there
        new NodeIdLease(prefix, 0, "newcomer").claim(redis);
        boolean renewedOverAnother = lease.renew(redis);
        lease.release(redis);

        // then
        assertThat(retaken).isTrue();
        assertThat(renewedOverAnother).isFalse();
        assertThat(new NodeIdLease(prefix, 0, "anyone").currentHolder(redis)).contains("newcomer");
    }

    @Test
    void shouldGiveIdenticalNodesDistinctIdsAndFreeThemWhenTheyStop(
            KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv env) {
        // given two nodes started alike, with GATEWAY_NODE_ID=auto
        String prefix = kafka.layout().prefix();
        GatewayApp a = GatewayApp.start(kafka, postgres, env, Map.of("socialink.gateway.node-id", "auto"));
        GatewayApp b = GatewayApp.start(kafka, postgres, env, Map.of("socialink.gateway.node-id", "auto"));
        int idA;
        int idB;
        try {
            // when
            idA = a.bean(GatewayProperties.class).nodeId();
            idB = b.bean(GatewayProperties.class).nodeId();

            // then each holds its own id in Redis while it runs
            assertThat(idA).isNotEqualTo(idB);
            assertThat(Math.max(idA, idB)).isLessThan(kafka.layout().pushPartitions());
            assertThat(redis.get("socialink:gateway-nodes:" + prefix + idA)).isNotNull();
            assertThat(redis.get("socialink:gateway-nodes:" + prefix + idB))
                    .isNotNull()
                    .isNotEqualTo(redis.get("socialink:gateway-nodes:" + prefix + idA));
            assertThat(a.bean(NodeLeaseKeeper.class).held()).isTrue();
        } finally {
            a.close();
            b.close();
        }

        // and both ids are free once the nodes stopped
        assertThat(redis.exists("socialink:gateway-nodes:" + prefix + idA, "socialink:gateway-nodes:" + prefix + idB))
                .isZero();
    }
}
