package io.socialink.gateway.presence;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.redis.ChannelListener;
import io.socialink.schemas.presence.PresenceKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The presence subscriptions of this node's sockets: a socket follows up to {@value #MAX_USERS} users (each new
 * list replaces the last; it ends with the socket), gets a snapshot of them, then a view of a user each time its
 * presence changes. Changes come from Redis pub/sub ({@link PresenceKeys#CHANGES}: presence-service publishes a user
 * entering or leaving the online set, the gateway a changed status or visibility); each change is read once per node
 * and rendered for every following socket by {@link PresenceView#of}'s rules. Pub/sub is at most once: a change
 * published while this node is cut off from Redis is not pushed (the next one, or a new subscription, shows the
 * state again).
 */
@Component
public class PresenceSubscriptions implements SmartLifecycle {

    /** Users one socket may follow. */
    public static final int MAX_USERS = 1000;

    /** How often the views held for a follower that is behind are offered again. */
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(100);

    private static final Logger log = LoggerFactory.getLogger(PresenceSubscriptions.class);

    /**
     * One socket's subscription: its device, where its frames go, and how many frames wait in its socket's buffer.
     * While that backlog is at half the buffer or more, views are held instead, the latest one per user (a follower
     * that falls behind gets each user's latest state, not every step in between), and offered every
     * {@link #FLUSH_INTERVAL} as the backlog goes down: presence alone never fills a socket's buffer, which would
     * close the socket as too slow (1013) and end its subscription.
     */
    public static final class Subscriber {
        private final DeviceAddress viewer;
        private final Consumer<PresenceView> push;
        private final IntSupplier backlog;
        private final int highWater;
        /** Views waiting for the backlog to go down, by user, in the order they were first held. */
        private final Map<String, PresenceView> held = new LinkedHashMap<>();

        private boolean flushScheduled;
        private volatile boolean ended;

        /**
         * @param backlog  the frames waiting in the socket's buffer now
         * @param capacity the buffer's size
         */
        public Subscriber(DeviceAddress viewer, Consumer<PresenceView> push, IntSupplier backlog, int capacity) {
            this.viewer = viewer;
            this.push = push;
            this.backlog = backlog;
            this.highWater = Math.max(1, capacity / 2);
        }

        /** Offers {@code view} now, or holds it while the socket is behind (views are offered in order). */
        synchronized void accept(PresenceView view) {
            if (ended) {
                return;
            }
            if (held.isEmpty() && backlog.getAsInt() < highWater) {
                push.accept(view);
                return;
            }
            held.put(view.userId(), view);
            if (!flushScheduled) {
                flushScheduled = true;
                Schedulers.parallel().schedule(this::flush, FLUSH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        synchronized void flush() {
            flushScheduled = false;
            if (ended) {
                held.clear();
                return;
            }
            Iterator<PresenceView> views = held.values().iterator();
            while (views.hasNext() && backlog.getAsInt() < highWater) {
                push.accept(views.next());
                views.remove();
            }
            if (!held.isEmpty()) {
                flushScheduled = true;
                Schedulers.parallel().schedule(this::flush, FLUSH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        /** Drops the held views: the subscription ended or was replaced (a new snapshot follows). */
        synchronized void dropHeld() {
            held.clear();
        }

        synchronized int held() {
            return held.size();
        }
    }

    private final PresenceReads reads;
    private final PresenceSettingsCache cachedSettings;
    private final Map<String, Set<Subscriber>> byUser = new ConcurrentHashMap<>();
    private final Map<Subscriber, Set<String>> bySubscriber = new ConcurrentHashMap<>();
    private final ChannelListener channel;

    public PresenceSubscriptions(
            PresenceReads reads, PresenceSettingsCache cachedSettings, ReactiveRedisConnectionFactory connections) {
        this.reads = reads;
        this.cachedSettings = cachedSettings;
        this.channel = new ChannelListener(connections, PresenceKeys.CHANGES);
    }

    /**
     * Replaces the subscriber's list with {@code users} and answers their views now. 400 {@code bad-request} for an
     * empty or malformed list, 413 {@code payload-too-large} beyond {@value #MAX_USERS}, 404 {@code unknown-user}:
     * the subscription then stays as it was.
     */
    public Mono<List<PresenceView>> subscribe(Subscriber subscriber, List<String> users) {
        if (users.size() > MAX_USERS) {
            return Mono.error(
                    Problem.payloadTooLarge("at most " + MAX_USERS + " userIds").toException());
        }
        for (String user : users) {
            if (!DeviceAddress.isValidUserId(user)) {
                return Mono.error(Problem.badRequest("userIds must match [A-Za-z0-9_-]{1,64}")
                        .toException());
            }
        }
        if (users.isEmpty()) {
            forget(subscriber);
            return Mono.just(List.of());
        }
        return reads.views(subscriber.viewer.userId(), users).doOnNext(views -> {
            forget(subscriber);
            if (subscriber.ended) {
                // the socket ended while the snapshot was read: nothing to keep
                return;
            }
            Set<String> followed = new LinkedHashSet<>(users);
            bySubscriber.put(subscriber, followed);
            // atomically per user, so a concurrent forget of the last follower cannot drop the set being added to
            followed.forEach(user -> byUser.compute(user, (key, subscribers) -> {
                Set<Subscriber> set = subscribers == null ? ConcurrentHashMap.newKeySet() : subscribers;
                set.add(subscriber);
                return set;
            }));
            if (subscriber.ended) {
                // ended between the check above and the registration
                forget(subscriber);
            }
        });
    }

    /** Ends the subscriber's subscription for good (its socket closed), also one whose snapshot is still read. */
    public void unsubscribe(Subscriber subscriber) {
        subscriber.ended = true;
        forget(subscriber);
    }

    private void forget(Subscriber subscriber) {
        subscriber.dropHeld();
        Set<String> followed = bySubscriber.remove(subscriber);
        if (followed == null) {
            return;
        }
        for (String user : followed) {
            byUser.computeIfPresent(user, (key, subscribers) -> {
                subscribers.remove(subscriber);
                return subscribers.isEmpty() ? null : subscribers;
            });
        }
    }

    /** Users followed by at least one socket of this node. */
    public int followedUsers() {
        return byUser.size();
    }

    /** A message of {@link PresenceKeys#CHANGES}: a userId, or {@code <userId> settings}. */
    void onMessage(String message) {
        if (message.endsWith(PresenceKeys.SETTINGS_CHANGED)) {
            String userId = message.substring(0, message.length() - PresenceKeys.SETTINGS_CHANGED.length());
            cachedSettings.forget(userId);
            onChange(userId);
        } else {
            onChange(message);
        }
    }

    void onChange(String userId) {
        Set<Subscriber> subscribers = byUser.get(userId);
        if (subscribers == null || subscribers.isEmpty()) {
            return;
        }
        List<Subscriber> now = new ArrayList<>(subscribers);
        Set<String> viewers = new LinkedHashSet<>();
        now.forEach(subscriber -> viewers.add(subscriber.viewer.userId()));
        reads.viewsOf(userId, viewers)
                .subscribe(
                        views -> now.forEach(subscriber -> {
                            PresenceView view = views.get(subscriber.viewer.userId());
                            if (view != null) {
                                subscriber.accept(view);
                            }
                        }),
                        error -> log.warn("presence change of {} not pushed: {}", userId, error.toString()));
    }

    @Override
    public void start() {
        // whatever was missed while unsubscribed is not in the cache afterwards
        channel.start(this::onMessage, cachedSettings::clear);
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
