package io.socialink.gateway.redis;

import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ConnectionDeactivatedEvent;
import java.time.Duration;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.util.retry.Retry;

/**
 * This node's subscription to one Redis pub/sub channel, subscribed again (with backoff) whenever the connection is
 * lost. Pub/sub is at most once: what is published while the node is not subscribed is not seen. Lettuce reconnects
 * a lost connection and subscribes it again by itself, without failing the subscription, so the listener also
 * watches Lettuce's connection events: any Redis connection of this node going down counts as the subscription lost,
 * its coming back as subscribed again (a user that must not miss a message, such as a cache, empties itself then).
 */
public final class ChannelListener {

    private static final Logger log = LoggerFactory.getLogger(ChannelListener.class);

    private final ReactiveRedisConnectionFactory connections;
    private final String channel;
    private @Nullable ReactiveRedisMessageListenerContainer container;
    private volatile @Nullable Disposable listening;
    private volatile boolean subscribed;
    private volatile boolean confirmed;
    private volatile @Nullable Disposable watching;

    public ChannelListener(ReactiveRedisConnectionFactory connections, String channel) {
        this.connections = connections;
        this.channel = channel;
    }

    /** Subscribes; each message is handed to {@code onMessage} on a Redis I/O thread. */
    public void start(Consumer<String> onMessage) {
        start(onMessage, () -> {});
    }

    /**
     * As {@link #start(Consumer)}; {@code onSubscribe} runs once Redis has confirmed the subscription, the first time
     * and after every loss.
     */
    public void start(Consumer<String> onMessage, Runnable onSubscribe) {
        start(onMessage, onSubscribe, () -> {});
    }

    /**
     * As {@link #start(Consumer, Runnable)}; {@code onLost} runs when the subscription fails (the connection is
     * lost), before it is tried again: from then until the next {@code onSubscribe}, messages are missed.
     */
    public synchronized void start(Consumer<String> onMessage, Runnable onSubscribe, Runnable onLost) {
        if (listening != null) {
            return;
        }
        ReactiveRedisMessageListenerContainer listener = new ReactiveRedisMessageListenerContainer(connections);
        container = listener;
        if (connections instanceof LettuceConnectionFactory lettuce && lettuce.getClientResources() != null) {
            watching = lettuce.getClientResources().eventBus().get().subscribe(event -> {
                if (event instanceof ConnectionDeactivatedEvent && subscribed) {
                    subscribed = false;
                    onLost.run();
                } else if (event instanceof ConnectionActivatedEvent && confirmed && !subscribed) {
                    subscribed = true;
                    onSubscribe.run();
                }
            });
        }
        listening = Flux.defer(
                        () -> listener.receiveLater(ChannelTopic.of(channel)).flatMapMany(messages -> {
                            confirmed = true;
                            subscribed = true;
                            onSubscribe.run();
                            return messages;
                        }))
                .doOnError(error -> {
                    subscribed = false;
                    onLost.run();
                })
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500))
                        .maxBackoff(Duration.ofSeconds(10))
                        .doBeforeRetry(retry -> log.warn(
                                "subscription to {} lost, subscribing again: {}",
                                channel,
                                retry.failure().toString())))
                .subscribe(message -> onMessage.accept(message.getMessage()));
    }

    public synchronized void stop() {
        Disposable events = watching;
        if (events != null) {
            events.dispose();
        }
        watching = null;
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
        subscribed = false;
        confirmed = false;
    }

    public boolean isRunning() {
        return listening != null;
    }

    /** Whether Redis has confirmed the subscription and it has not failed since: messages are being heard. */
    public boolean isSubscribed() {
        return subscribed;
    }
}
