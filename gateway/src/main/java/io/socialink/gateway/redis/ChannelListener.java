package io.socialink.gateway.redis;

import java.time.Duration;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import reactor.core.Disposable;
import reactor.util.retry.Retry;

/**
 * This node's subscription to one Redis pub/sub channel, subscribed again (with backoff) whenever the connection is
 * lost. Pub/sub is at most once: what is published while the node is not subscribed is not seen.
 */
public final class ChannelListener {

    private static final Logger log = LoggerFactory.getLogger(ChannelListener.class);

    private final ReactiveRedisConnectionFactory connections;
    private final String channel;
    private @Nullable ReactiveRedisMessageListenerContainer container;
    private volatile @Nullable Disposable listening;

    public ChannelListener(ReactiveRedisConnectionFactory connections, String channel) {
        this.connections = connections;
        this.channel = channel;
    }

    /** Subscribes; each message is handed to {@code onMessage} on a Redis I/O thread. */
    public void start(Consumer<String> onMessage) {
        start(onMessage, () -> {});
    }

    /** As {@link #start(Consumer)}; {@code onSubscribe} runs at the first subscription and at every later one. */
    public synchronized void start(Consumer<String> onMessage, Runnable onSubscribe) {
        if (listening != null) {
            return;
        }
        ReactiveRedisMessageListenerContainer listener = new ReactiveRedisMessageListenerContainer(connections);
        container = listener;
        listening = listener.receive(ChannelTopic.of(channel))
                .doOnSubscribe(subscription -> onSubscribe.run())
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500))
                        .maxBackoff(Duration.ofSeconds(10))
                        .doBeforeRetry(retry -> log.warn(
                                "subscription to {} lost, subscribing again: {}",
                                channel,
                                retry.failure().toString())))
                .subscribe(message -> onMessage.accept(message.getMessage()));
    }

    public synchronized void stop() {
        Disposable subscription = listening;
        if (subscription != null) {
            subscription.dispose();
        }
        ReactiveRedisMessageListenerContainer listener = container;
        if (listener != null) {
            listener.destroy();
        }
        listening = null;
        container = null;
    }

    public boolean isRunning() {
        return listening != null;
    }
}
