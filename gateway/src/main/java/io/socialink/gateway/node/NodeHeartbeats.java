package io.socialink.gateway.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.gateway.config.GatewayProperties;
import io.socialink.gateway.kafka.EventPublisher;
import io.socialink.schemas.avro.ConnectionEvent;
import io.socialink.schemas.avro.ConnectionEventType;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * This node's sign of life on {@code device.connections}: every heartbeat interval one NODE_ALIVE per partition
 * (explicit partition, key {@link Topics#nodeAliveKey}), carrying the node's {@link #incarnation()}, which every
 * CONNECTED and DISCONNECTED of its sockets carries too. The delivery-worker keeps a socket's route, and
 * presence-service its device online, while the incarnation holding it keeps sending: one record per partition and
 * node per interval, whatever the number of sockets, instead of one heartbeat record per socket.
 *
 * <p>The incarnation is random per process, so the sockets of a node that died are not kept alive by its restart
 * under the same node id. The first round goes out when the node starts, before it accepts sockets; a round that
 * fails (Kafka unreachable) is counted and the next one tries again.
 */
@Component
public class NodeHeartbeats implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NodeHeartbeats.class);

    private final EventPublisher publisher;
    private final int nodeId;
    private final int partitions;
    private final Duration interval;
    private final String incarnation = UUID.randomUUID().toString();
    private final Counter failed;
    private @Nullable ScheduledExecutorService thread;

    public NodeHeartbeats(
            EventPublisher publisher, TopicLayout layout, GatewayProperties properties, MeterRegistry registry) {
        this.publisher = publisher;
        this.nodeId = properties.nodeId();
        this.partitions = layout.partitions(Topics.DEVICE_CONNECTIONS);
        this.interval = properties.heartbeat();
        this.failed = Counter.builder("socialink.gateway.node.heartbeats.failed")
                .description("NODE_ALIVE records that Kafka did not take (the next round sends them again)")
                .register(registry);
    }

    /** The process holding this node's sockets; carried by their connection events. */
    public String incarnation() {
        return incarnation;
    }

    /** One NODE_ALIVE to every partition, not awaited: a record Kafka does not take is counted. */
    void sendRound() {
        ConnectionEvent alive = ConnectionEvent.newBuilder()
                .setType(ConnectionEventType.NODE_ALIVE)
                .setGatewayNode(nodeId)
                .setConnectionId("")
                .setIncarnation(incarnation)
                .setAt(Instant.now())
                .build();
        String key = Topics.nodeAliveKey(nodeId);
        for (int partition = 0; partition < partitions; partition++) {
            publisher.send(Topics.DEVICE_CONNECTIONS, partition, key, alive).whenComplete((metadata, error) -> {
                if (error != null) {
                    failed.increment();
                }
            });
        }
    }

    @Override
    public synchronized void start() {
        sendRound();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread heartbeats = new Thread(runnable, "gateway-node-heartbeats");
            heartbeats.setDaemon(true);
            return heartbeats;
        });
        scheduler.scheduleAtFixedRate(
                this::sendSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        thread = scheduler;
        log.info(
                "gateway node {} incarnation {}: NODE_ALIVE to {} partitions every {}",
                nodeId,
                incarnation,
                partitions,
                interval);
    }

    private void sendSafely() {
        try {
            sendRound();
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again
            log.warn("NODE_ALIVE round failed: {}", e.toString());
        }
    }

    @Override
    public synchronized void stop() {
        if (thread != null) {
            thread.shutdownNow();
            thread = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return thread != null;
    }

    /** Before the web server (which starts in the last phase) accepts sockets. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE / 2;
    }
}
