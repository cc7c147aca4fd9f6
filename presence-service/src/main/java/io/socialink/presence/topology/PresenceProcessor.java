package io.socialink.presence.topology;

import io.socialink.presence.config.PresenceSettings;
import io.socialink.presence.metrics.PresenceMetrics;
import io.socialink.presence.store.PresenceStore;
import io.socialink.schemas.avro.ConnectionEvent;
import io.socialink.schemas.avro.ConnectionEventType;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;

/**
 * Applies each connection event of {@code device.connections} (key: device address {@code userId.deviceId}) to the
 * presence in Redis. Processing is at least once: after a crash the events since the last commit are applied again,
 * which sets the same state. NODE_ALIVE events (keyed by gateway node, not by device) move their incarnation's
 * last-heard time. The task of partition 0 also sweeps, every {@code sweep-interval}, so one instance does it
 * cluster-wide: the users of each gateway incarnation silent for the device TTL (the gateway died without
 * DISCONNECTEDs), and users whose finite score passed. It sweeps incarnations only from one TTL after it started, so
 * that an instance that was down, or took the task over, first reads the NODE_ALIVE events it is behind on instead
 * of taking live gateways for dead.
 *
 * <p>While Redis does not answer, an event is retried for up to {@link #REDIS_PATIENCE}; then the stream thread
 * fails and the app reports DOWN rather than skip the event (a restart resumes from the last commit).
 */
final class PresenceProcessor implements Processor<String, ConnectionEvent, Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(PresenceProcessor.class);

    static final Duration REDIS_PATIENCE = Duration.ofSeconds(60);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final PresenceStore store;
    private final PresenceSettings settings;
    private final PresenceMetrics metrics;
    private ProcessorContext<Void, Void> context;
    private long sweepIncarnationsFrom;

    PresenceProcessor(PresenceStore store, PresenceSettings settings, PresenceMetrics metrics) {
        this.store = store;
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        sweepIncarnationsFrom =
                context.currentSystemTimeMs() + settings.deviceTtl().toMillis();
        if (context.taskId().partition() == 0) {
            context.schedule(settings.sweepInterval(), PunctuationType.WALL_CLOCK_TIME, this::sweep);
        }
    }

    @Override
    public void process(Record<String, ConnectionEvent> record) {
        String address = record.key();
        ConnectionEvent event = record.value();
        if (event != null && event.getType() == ConnectionEventType.NODE_ALIVE) {
            long started = System.nanoTime();
            patiently(
                    () -> store.nodeAlive(event.getIncarnation(), event.getAt().toEpochMilli()));
            metrics.applied(event.getType().name(), Duration.ofNanos(System.nanoTime() - started));
            return;
        }
        int dot = address == null ? -1 : address.lastIndexOf('.');
        if (event == null || dot <= 0 || event.getType() == ConnectionEventType.UNKNOWN) {
            log.warn("skipping a connection event without a usable device address or type: key={}", address);
            metrics.skipped();
            return;
        }
        int deviceId;
        try {
            deviceId = Integer.parseInt(address.substring(dot + 1));
        } catch (NumberFormatException e) {
            log.warn("skipping a connection event of {}: no device id", address);
            metrics.skipped();
            return;
        }
        String userId = address.substring(0, dot);
        long started = System.nanoTime();
        String type = event.getType().name();
        patiently(() -> store.apply(
                userId,
                deviceId,
                type,
                event.getConnectionId(),
                event.getIncarnation(),
                event.getAt().toEpochMilli(),
                context.currentSystemTimeMs()));
        metrics.applied(type, Duration.ofNanos(System.nanoTime() - started));
    }

    private void sweep(long now) {
        try {
            for (String user : store.stale(now, settings.sweepBatch())) {
                if (store.sweep(user, now)) {
                    metrics.swept();
                }
            }
            if (now < sweepIncarnationsFrom) {
                return;
            }
            for (String incarnation : store.silentIncarnations(now)) {
                List<String> users = store.usersOf(incarnation, settings.sweepBatch());
                if (users.isEmpty()) {
                    store.forget(incarnation, now);
                    log.info("gateway incarnation {} went silent; its devices are offline", incarnation);
                }
                for (String user : users) {
                    if (store.sweep(user, now)) {
                        metrics.swept();
                    }
                }
            }
        } catch (DataAccessException e) {
            // the next sweep tries again; queries do not wait for it
            log.warn("presence sweep failed: {}", e.toString());
        }
    }

    private void patiently(Runnable update) {
        long deadline = System.nanoTime() + REDIS_PATIENCE.toNanos();
        while (true) {
            try {
                update.run();
                return;
            } catch (DataAccessException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                log.warn("Redis did not take a presence update, retrying: {}", e.toString());
                try {
                    Thread.sleep(RETRY_PAUSE.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
