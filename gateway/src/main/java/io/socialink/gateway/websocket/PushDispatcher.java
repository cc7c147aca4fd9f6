package io.socialink.gateway.websocket;

import io.socialink.gateway.metrics.GatewayMetrics;
import io.socialink.schemas.avro.CloseReason;
import io.socialink.schemas.avro.Push;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * Writes one {@link Push} from this node's {@code gateway.push} partition to the socket it names. A push for a
 * socket that is gone or was replaced is dropped: the device's queue re-drains when it connects again. A CLOSE
 * closes with 4410 when its reason is DEVICE_REMOVED and 4409 otherwise, so a removed device learns it was removed
 * on whichever node holds its socket, and whether the worker's CLOSE or the deactivating node's own close comes
 * first.
 */
@Component
public class PushDispatcher {

    private static final Logger log = LoggerFactory.getLogger(PushDispatcher.class);

    private final SocketRegistry registry;
    private final Frames frames;
    private final DeliveryFrames deliveries;
    private final GatewayMetrics metrics;

    public PushDispatcher(SocketRegistry registry, Frames frames, DeliveryFrames deliveries, GatewayMetrics metrics) {
        this.registry = registry;
        this.frames = frames;
        this.deliveries = deliveries;
        this.metrics = metrics;
    }

    /** Routes {@code push}, keyed by device address; returns whether a frame was written or a close started. */
    public boolean dispatch(String address, Push push) {
        LiveSocket socket = address == null || push == null || push.getConnectionId() == null
                ? null
                : registry.find(address, push.getConnectionId());
        if (socket == null) {
            metrics.pushDropped();
            return false;
        }
        boolean written =
                switch (push.getKind()) {
                    case ENVELOPE -> push.getEnvelope() != null && offerEnvelope(socket, push);
                    case QUEUE_EMPTY -> socket.offer(frames.queueEmpty());
                    case CLOSE -> {
                        socket.close(closeStatus(push.getCloseReason()));
                        yield true;
                    }
                    default -> false;
                };
        if (written) {
            metrics.pushWritten();
        } else {
            metrics.pushDropped();
        }
        return written;
    }

    private boolean offerEnvelope(LiveSocket socket, Push push) {
        String frame;
        try {
            frame = deliveries.frame(push.getEnvelope());
        } catch (DeliveryFrames.PayloadUnavailableException e) {
            // the copy stays queued and is pushed again on the next connect; nothing to write now
            log.error(
                    "push of {} to {} dropped: {}",
                    push.getEnvelope().getMessageId(),
                    socket.address(),
                    e.getMessage());
            return false;
        }
        boolean written = socket.offer(frame);
        if (written) {
            metrics.pushed(push.getEnvelope().getSentAt());
        }
        return written;
    }

    /** A CLOSE without a reason comes from a worker older than the field, which only closed replaced sockets. */
    static CloseStatus closeStatus(CloseReason reason) {
        return reason == CloseReason.DEVICE_REMOVED ? LiveSocket.REMOVED : LiveSocket.SUPERSEDED;
    }
}
