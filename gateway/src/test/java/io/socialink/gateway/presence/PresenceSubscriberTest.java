package io.socialink.gateway.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.auth.DeviceAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A follower whose socket falls behind gets each user's latest view once it catches up, not every step. */
class PresenceSubscriberTest {

    private static final DeviceAddress VIEWER = new DeviceAddress("viewer", 1);

    private final List<PresenceView> pushed = new CopyOnWriteArrayList<>();
    private final AtomicInteger backlog = new AtomicInteger();
    private final PresenceSubscriptions.Subscriber subscriber =
            new PresenceSubscriptions.Subscriber(VIEWER, pushed::add, backlog::get, 8);

    @Test
    void shouldOfferAViewAtOnceWhileTheSocketKeepsUp() {
        // given
        backlog.set(3);

        // when
        subscriber.accept(view("alice", true));

        // then
        assertThat(pushed).containsExactly(view("alice", true));
        assertThat(subscriber.held()).isZero();
    }

    @Test
    void shouldHoldTheLatestViewPerUserWhileTheSocketIsBehindAndOfferThemInOrderWhenItCatchesUp() throws Exception {
        // given: half the buffer is waiting
        backlog.set(4);

        // when
        subscriber.accept(view("alice", true));
        subscriber.accept(view("bob", true));
        subscriber.accept(view("alice", false));
        subscriber.accept(view("carol", true));

        // then: nothing offered, one view held per user
        assertThat(pushed).isEmpty();
        assertThat(subscriber.held()).isEqualTo(3);

        // when: the flush comes while the socket is still behind
        Thread.sleep(PresenceSubscriptions.FLUSH_INTERVAL.toMillis() * 3);

        // then
        assertThat(pushed).isEmpty();

        // when: the socket caught up
        backlog.set(0);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (pushed.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }

        // then: the latest of each, in the order first held; later views go straight out again
        assertThat(pushed).containsExactly(view("alice", false), view("bob", true), view("carol", true));
        subscriber.accept(view("bob", false));
        assertThat(pushed).hasSize(4).last().isEqualTo(view("bob", false));
    }

    @Test
    void shouldOfferOnlyWhatTheBufferTakesPerFlush() throws Exception {
        // given: the backlog grows by one per offered frame, as the socket's buffer would
        PresenceSubscriptions.Subscriber counting = new PresenceSubscriptions.Subscriber(
                VIEWER,
                view -> {
                    pushed.add(view);
                    backlog.incrementAndGet();
                },
                backlog::get,
                8);
        backlog.set(4);
        for (int i = 0; i < 6; i++) {
            counting.accept(view("user" + i, true));
        }

        // when: the writer takes two frames
        backlog.set(2);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (pushed.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(PresenceSubscriptions.FLUSH_INTERVAL.toMillis() * 3);

        // then: only up to half the buffer
        assertThat(pushed).hasSize(2);
        assertThat(counting.held()).isEqualTo(4);
    }

    @Test
    void shouldDropWhatItHeldWhenTheSubscriptionIsReplaced() throws Exception {
        // given
        backlog.set(4);
        subscriber.accept(view("alice", true));

        // when
        subscriber.dropHeld();
        backlog.set(0);
        Thread.sleep(PresenceSubscriptions.FLUSH_INTERVAL.toMillis() * 3);

        // then
        assertThat(pushed).isEmpty();
        assertThat(subscriber.held()).isZero();
    }

    private static PresenceView view(String user, boolean online) {
        return new PresenceView(user, online, online ? null : 1_000L, "available", null);
    }
}
