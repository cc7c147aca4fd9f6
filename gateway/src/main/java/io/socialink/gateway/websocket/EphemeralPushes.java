package io.socialink.gateway.websocket;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.metrics.GatewayMetrics;
import io.socialink.gateway.redis.ChannelListener;
import java.time.Clock;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Ephemeral frames (typing) for devices on any node, in one Redis pub/sub message per event instead of one Kafka
 * record per recipient device: the node that accepts the event publishes the frame once with its recipients'
 * addresses on {@value #CHANNEL}; every node reads it once and writes the frame to those of the addresses whose
 * socket it holds. Nothing is queued or retried: a device that is offline, or whose node is cut off from Redis when
 * the event is published, misses it, and a frame that arrives after its {@code expiresAt} is dropped. This is the
 * delivery ../shared/DESIGN.md asks of ephemeral events (online devices only, never queued, never after they lapse)
 * and it never passes through the messages' topics, so it cannot slow them down.
 *
 * <p>Message: {@code <expiresAt epoch millis>\n<frame>\n<address>\n<address>...}; a frame is one line of JSON and an
 * address ({@code userId.deviceId}) holds no line break.
 */
@Component
public class EphemeralPushes implements SmartLifecycle {

    public static final String CHANNEL = "socialink:ephemeral";

    private static final Logger log = LoggerFactory.getLogger(EphemeralPushes.class);

    private final ReactiveStringRedisTemplate redis;
    private final SocketRegistry registry;
    private final GatewayMetrics metrics;
    private final Clock clock = Clock.systemUTC();
    private final ChannelListener channel;

    public EphemeralPushes(
            ReactiveStringRedisTemplate redis,
            ReactiveRedisConnectionFactory connections,
            SocketRegistry registry,
            GatewayMetrics metrics) {
        this.redis = redis;
        this.channel = new ChannelListener(connections, CHANNEL);
        this.registry = registry;
        this.metrics = metrics;
    }

    /** Sends {@code frame} to those of {@code to} that are online on any node, until {@code expiresAt}. */
    public Mono<Void> publish(String frame, long expiresAt, Collection<DeviceAddress> to) {
        if (to.isEmpty()) {
            return Mono.empty();
        }
        return redis.convertAndSend(CHANNEL, message(frame, expiresAt, to)).then();
    }

    static String message(String frame, long expiresAt, Collection<DeviceAddress> to) {
        if (frame.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a frame is one line");
        }
        StringBuilder message = new StringBuilder(frame.length() + 24 + to.size() * 40);
        message.append(expiresAt).append('\n').append(frame);
        for (DeviceAddress address : to) {
            message.append('\n').append(address);
        }
        return message.toString();
    }

    /** Writes the message's frame to its addressees on this node; answers how many sockets got it. */
    int deliver(String message) {
        int first = message.indexOf('\n');
        int second = first < 0 ? -1 : message.indexOf('\n', first + 1);
        if (second < 0) {
            log.warn("ephemeral push without recipients or frame ignored");
            return 0;
        }
        long expiresAt;
        try {
            expiresAt = Long.parseLong(message, 0, first, 10);
        } catch (NumberFormatException e) {
            log.warn("ephemeral push without an expiry ignored");
            return 0;
        }
        if (expiresAt <= clock.millis()) {
            return 0;
        }
        String frame = message.substring(first + 1, second);
        int written = 0;
        int start = second + 1;
        while (start <= message.length()) {
            int end = message.indexOf('\n', start);
            if (end < 0) {
                end = message.length();
            }
            LiveSocket socket = registry.get(message.substring(start, end));
            if (socket != null) {
                if (socket.offer(frame)) {
                    metrics.pushWritten();
                    written++;
                } else {
                    metrics.pushDropped();
                }
            }
            start = end + 1;
        }
        return written;
    }

    @Override
    public void start() {
        channel.start(this::deliver);
    }

    @Override
    public void stop() {
        channel.stop();
    }

    @Override
    public boolean isRunning() {
        return channel.isRunning();
    }
}
