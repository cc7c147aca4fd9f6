package io.socialink.client.e2e;

import io.socialink.client.api.SocialinkClient;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The whole system on this machine for one test class: a delivery-worker, a gateway (node 0) and, for group tests,
 * a group-fanout (for call tests, a call-signaling) as separate JVMs from their real jars, on the class's own topics and database, under the local
 * profile. The gateway reads device queues from this worker's internal port
 * ({@code socialink.gateway.delivery-worker-url}); extra properties per app tune either (short expiry intervals).
 * Public, as is what the bench module's end-to-end tests call: they run the system through the client's test-jar.
 */
public final class LocalSystem implements AutoCloseable {

    public final AppProcess worker;
    public final AppProcess gateway;
    /** Null unless the system was made {@link #withGroups}. */
    private AppProcess groupFanout;
    /** Null unless the system was made {@link #withCalls}. */
    private AppProcess callSignaling;
    /** The delivery-worker's Kafka Streams application id: the prefix of its changelog and repartition topics. */
    final String workerApplicationId = "e2e-" + UUID.randomUUID();

    LocalSystem(KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) throws Exception {
        this(kafka, postgres, redis, Map.of(), Map.of());
    }

    LocalSystem(
            KafkaTestEnv kafka,
            PostgresTestEnv postgres,
            RedisTestEnv redis,
            Map<String, Object> workerExtra,
            Map<String, Object> gatewayExtra)
            throws Exception {
        Path stateDir = Files.createTempDirectory("delivery-worker-state");
        Map<String, Object> workerProperties = new HashMap<>(kafka.springProperties());
        workerProperties.put("socialink.delivery.application-id", workerApplicationId);
        workerProperties.put("socialink.delivery.state-dir", stateDir);
        workerProperties.putAll(workerExtra);
        worker = AppProcess.of("delivery-worker", "delivery-worker", workerProperties);

        Map<String, Object> gatewayProperties = new HashMap<>(kafka.springProperties());
        gatewayProperties.putAll(postgres.springProperties());
        gatewayProperties.putAll(redis.springProperties());
        gatewayProperties.put("socialink.gateway.node-id", 0);
        gatewayProperties.put("socialink.gateway.delivery-worker-url", worker.internalUri());
        gatewayProperties.putAll(gatewayExtra);
        gateway = AppProcess.of("gateway", "gateway", gatewayProperties);
    }

    /** The system with a group-fanout (MLS groups), on its own Streams application id and state directory. */
    public static LocalSystem withGroups(
            KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis, Map<String, Object> groupFanoutExtra)
            throws Exception {
        LocalSystem system = new LocalSystem(kafka, postgres, redis);
        Map<String, Object> properties = new HashMap<>(kafka.springProperties());
        properties.put("socialink.groups.application-id", "e2e-groups-" + UUID.randomUUID());
        properties.put("socialink.groups.state-dir", Files.createTempDirectory("group-fanout-state"));
        properties.putAll(groupFanoutExtra);
        system.groupFanout = AppProcess.of("group-fanout", "group-fanout", properties);
        return system;
    }

    /**
     * The system with a call-signaling (calls), on its own Streams application id and state directory;
     * {@code ringTimeout} (e.g. {@code 8s}) is given to both call-signaling and the gateway (a call rings for the
     * shorter of the two).
     */
    public static LocalSystem withCalls(
            KafkaTestEnv kafka,
            PostgresTestEnv postgres,
            RedisTestEnv redis,
            String ringTimeout,
            Map<String, Object> callSignalingExtra,
            Map<String, Object> gatewayExtra)
            throws Exception {
        Map<String, Object> gatewayProperties = new HashMap<>(gatewayExtra);
        gatewayProperties.put("socialink.gateway.calls.ring-timeout", ringTimeout);
        LocalSystem system = new LocalSystem(kafka, postgres, redis, Map.of(), gatewayProperties);
        Map<String, Object> properties = new HashMap<>(kafka.springProperties());
        properties.put("socialink.calls.application-id", "e2e-calls-" + UUID.randomUUID());
        properties.put("socialink.calls.state-dir", Files.createTempDirectory("call-signaling-state"));
        properties.put("socialink.calls.ring-timeout", ringTimeout);
        properties.putAll(callSignalingExtra);
        system.callSignaling = AppProcess.of("call-signaling", "call-signaling", properties);
        return system;
    }

    /** Gateway node 1 beside this system's node 0, on the same Kafka, database, Redis and delivery-worker. */
    AppProcess secondGatewayNode(KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) {
        Map<String, Object> properties = new HashMap<>(kafka.springProperties());
        properties.putAll(postgres.springProperties());
        properties.putAll(redis.springProperties());
        properties.put("socialink.gateway.node-id", 1);
        properties.put("socialink.gateway.delivery-worker-url", worker.internalUri());
        return AppProcess.of("gateway", "gateway-node-1", properties);
    }

    /** A presence-service for a system's Kafka and Redis, on its own Streams application id and state directory. */
    public static AppProcess presenceService(KafkaTestEnv kafka, RedisTestEnv redis) throws java.io.IOException {
        Map<String, Object> properties = new HashMap<>(kafka.springProperties());
        properties.putAll(redis.springProperties());
        properties.put("socialink.presence.application-id", "e2e-presence-" + UUID.randomUUID());
        properties.put("socialink.presence.state-dir", Files.createTempDirectory("presence-state"));
        return AppProcess.of("presence-service", "presence-service", properties);
    }

    public LocalSystem start() {
        worker.start();
        if (groupFanout != null) {
            groupFanout.start();
        }
        if (callSignaling != null) {
            callSignaling.start();
        }
        gateway.start();
        return this;
    }

    /** The call-signaling of a system made {@link #withCalls}. */
    AppProcess callSignaling() {
        if (callSignaling == null) {
            throw new IllegalStateException("this system runs no call-signaling: make it withCalls");
        }
        return callSignaling;
    }

    /** The group-fanout of a system made {@link #withGroups}. */
    public AppProcess groupFanout() {
        if (groupFanout == null) {
            throw new IllegalStateException("this system runs no group-fanout: make it withGroups");
        }
        return groupFanout;
    }

    /** The logs of the apps this system runs. */
    List<Path> logs() {
        List<Path> logs = new ArrayList<>(List.of(gateway.log(), worker.log()));
        if (groupFanout != null) {
            logs.add(groupFanout.log());
        }
        if (callSignaling != null) {
            logs.add(callSignaling.log());
        }
        return logs;
    }

    SocialinkClient client() {
        return new SocialinkClient(gateway.baseUri());
    }

    @Override
    public void close() throws InterruptedException {
        gateway.close();
        if (groupFanout != null) {
            groupFanout.close();
        }
        if (callSignaling != null) {
            callSignaling.close();
        }
        worker.close();
    }
}
