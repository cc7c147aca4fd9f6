package io.socialink.gateway.keys;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.auth.DeviceAuthenticationManager;
import io.socialink.gateway.redis.ChannelListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Tells every gateway node that a user's devices changed, so that no node keeps using a device list or a device
 * credential that a registration or a removal on another node made wrong: the node that commits the change forgets
 * its own cached entries and publishes the change on the Redis channel {@value #CHANNEL}; every node forgets its
 * entries when it hears it. Message: {@code <userId>} after a registration, {@code <userId>.<deviceId>} after a
 * removal (a user id holds no dot).
 *
 * <p>Pub/sub is at most once, so this node uses no cached device list while it is not subscribed, and empties its
 * caches whenever its subscription is confirmed again. A change whose publish fails (Redis trouble at that moment)
 * reaches the other nodes' caches only through their bounds ({@code socialink.gateway.device-cache}, 30 s for
 * credentials); the change itself stands.
 */
@Component
public class DeviceChanges implements SmartLifecycle {

    public static final String CHANNEL = "socialink:devices";

    private static final Logger log = LoggerFactory.getLogger(DeviceChanges.class);

    private final ReactiveStringRedisTemplate redis;
    private final DeviceDirectory directory;
    private final DeviceAuthenticationManager authentication;
    private final ChannelListener channel;

    public DeviceChanges(
            ReactiveStringRedisTemplate redis,
            ReactiveRedisConnectionFactory connections,
            DeviceDirectory directory,
            DeviceAuthenticationManager authentication) {
        this.redis = redis;
        this.directory = directory;
        this.authentication = authentication;
        this.channel = new ChannelListener(connections, CHANNEL);
    }

    /** A device of {@code userId} was registered (committed): every node re-reads the user's list. */
    public Mono<Void> registered(String userId) {
        directory.evict(userId);
        return publish(userId);
    }

    /** {@code device} was removed (committed): every node re-reads its user's list and refuses its credential. */
    public Mono<Void> removed(DeviceAddress device) {
        authentication.evict(device);
        directory.evict(device.userId());
        return publish(device.toString());
    }

    private Mono<Void> publish(String message) {
        return redis.convertAndSend(CHANNEL, message).then().onErrorResume(error -> {
            log.warn("device change {} not published to the other nodes: {}", message, error.toString());
            return Mono.empty();
        });
    }

    void heard(String message) {
        int dot = message.indexOf('.');
        if (dot < 0) {
            directory.evict(message);
            return;
        }
        try {
            DeviceAddress device = DeviceAddress.parse(message);
            authentication.evict(device);
            directory.evict(device.userId());
        } catch (IllegalArgumentException e) {
            log.warn("device change without a usable device address ignored");
        }
    }

    private void subscribed() {
        authentication.evictAll();
        directory.hearingChanges(true);
    }

    private void lost() {
        directory.hearingChanges(false);
    }

    @Override
    public void start() {
        channel.start(this::heard, this::subscribed, this::lost);
    }

    @Override
    public void stop() {
        channel.stop();
        directory.hearingChanges(false);
    }

    @Override
    public boolean isRunning() {
        return channel.isRunning();
    }
}
