package io.socialink.presence.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.schemas.presence.PresenceKeys;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.RedisTestEnv;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/** The presence rules of {@code apply.lua} against the real local Redis; each test has users of its own. */
@ExtendWith(LocalRedis.class)
class PresenceStoreIT {

    private static final Duration TTL = Duration.ofSeconds(90);
    private static final long T0 = 1_800_000_000_000L;

    private static LettuceConnectionFactory factory;
    private static StringRedisTemplate redis;
    private static PresenceStore store;

    private final String user = "presence-" + UUID.randomUUID();

    @BeforeAll
    static void connect(RedisTestEnv env) {
        java.net.URI uri = java.net.URI.create(env.url());
        factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
        factory.afterPropertiesSet();
        factory.start();
        redis = new StringRedisTemplate(factory);
        store = new PresenceStore(redis, TTL);
    }

    @AfterAll
    static void close() {
        factory.destroy();
    }

    @Test
    void shouldBeOnlineFromConnectedAndOfflineAtTheDisconnectWithThatLastSeen() {
        // when
        boolean online = store.apply(user, 1, "CONNECTED", "c1", T0, T0);

        // then
        assertThat(online).isTrue();
        assertThat(onlineUntil()).isEqualTo(T0 + TTL.toMillis());
        assertThat(lastSeen()).isEqualTo(T0);

        // when
        boolean after = store.apply(user, 1, "DISCONNECTED", "c1", T0 + 5_000, T0 + 5_000);

        // then
        assertThat(after).isFalse();
        assertThat(onlineUntil()).isNull();
        assertThat(lastSeen()).isEqualTo(T0 + 5_000);
        assertThat(redis.hasKey(PresenceKeys.devices(user))).isFalse();
    }

    @Test
    void shouldStayOnlineWhileAnyDeviceIsAndGoOfflineWithTheLast() {
        // given
        store.apply(user, 1, "CONNECTED", "c1", T0, T0);
        store.apply(user, 2, "CONNECTED", "c2", T0 + 1_000, T0 + 1_000);

        // when
        boolean oneLeft = store.apply(user, 1, "DISCONNECTED", "c1", T0 + 2_000, T0 + 2_000);
        boolean noneLeft = store.apply(user, 2, "DISCONNECTED", "c2", T0 + 3_000, T0 + 3_000);

        // then
        assertThat(oneLeft).isTrue();
        assertThat(noneLeft).isFalse();
        assertThat(lastSeen()).isEqualTo(T0 + 3_000);
    }

    @Test
    void shouldIgnoreTheLateDisconnectAndHeartbeatOfAReplacedSocket() {
        // given: the device reconnected (c2) before the old socket's DISCONNECTED came through
        store.apply(user, 1, "CONNECTED", "c1", T0, T0);
        store.apply(user, 1, "CONNECTED", "c2", T0 + 1_000, T0 + 1_000);

        // when
        store.apply(user, 1, "HEARTBEAT", "c1", T0 + 30_000, T0 + 30_000);
        boolean online = store.apply(user, 1, "DISCONNECTED", "c1", T0 + 31_000, T0 + 31_000);

        // then: still online on c2, whose last sign of life is still its CONNECTED
        assertThat(online).isTrue();
        assertThat(onlineUntil()).isEqualTo(T0 + 1_000 + TTL.toMillis());
        assertThat(redis.<String, String>opsForHash().get(PresenceKeys.devices(user), "1"))
                .isEqualTo("c2 " + (T0 + 1_000) + " 1");
    }

    @Test
    void shouldExtendOnlineWithHeartbeatsAndTakeASocketWhoseConnectedWasMissed() {
        // when: this service never saw the CONNECTED (it started later, or the event was compacted away)
        boolean online = store.apply(user, 1, "HEARTBEAT", "c1", T0, T0);
        store.apply(user, 1, "HEARTBEAT", "c1", T0 + 30_000, T0 + 30_000);

        // then
        assertThat(online).isTrue();
        assertThat(onlineUntil()).isEqualTo(T0 + 30_000 + TTL.toMillis());
        assertThat(lastSeen()).isEqualTo(T0 + 30_000);
    }

    @Test
    void shouldGoOfflineByItselfWhenNoEventComesForTheTtlAndTheSweepGivesTheLastHeartbeatAsLastSeen() {
        // given: a gateway died after the device's last heartbeat
        store.apply(user, 1, "CONNECTED", "c1", T0, T0);
        store.apply(user, 1, "HEARTBEAT", "c1", T0 + 30_000, T0 + 30_000);
        long past = T0 + 30_000 + TTL.toMillis();

        // then: a reader comparing the score with the clock sees it offline before any sweep
        assertThat(onlineUntil()).isEqualTo((double) past);
        assertThat(store.stale(past - 1, 100)).doesNotContain(user);
        assertThat(store.stale(past, 100)).contains(user);

        // when
        boolean sweptOffline = store.sweep(user, past);

        // then
        assertThat(sweptOffline).isTrue();
        assertThat(onlineUntil()).isNull();
        assertThat(lastSeen()).isEqualTo(T0 + 30_000);
        assertThat(redis.hasKey(PresenceKeys.devices(user))).isFalse();
    }

    @Test
    void shouldKeepAUserWithALiveDeviceOnlineWhenAnotherDeviceExpires() {
        // given
        store.apply(user, 1, "CONNECTED", "c1", T0, T0);
        store.apply(user, 2, "CONNECTED", "c2", T0 + 60_000, T0 + 60_000);

        // when: device 1 passed its TTL; an event of device 2 re-derives the user
        boolean online = store.apply(user, 2, "HEARTBEAT", "c2", T0 + 95_000, T0 + 95_000);

        // then
        assertThat(online).isTrue();
        assertThat(redis.<String, String>opsForHash().keys(PresenceKeys.devices(user)))
                .containsExactly("2");
        assertThat(store.sweep(user, T0 + 95_000)).isFalse();
    }

    @Test
    void shouldCountOnlyActiveDevicesAndIgnoreActivityOfADeviceWithoutSocket() {
        // given
        boolean ignored = store.apply(user, 1, "ACTIVE", "-", T0, T0);
        store.apply(user, 1, "CONNECTED", "c1", T0 + 1_000, T0 + 1_000);

        // when
        boolean inactive = store.apply(user, 1, "INACTIVE", "-", T0 + 2_000, T0 + 2_000);
        long seenWhenInactive = lastSeen();
        boolean activeAgain = store.apply(user, 1, "ACTIVE", "-", T0 + 3_000, T0 + 3_000);

        // then
        assertThat(ignored).isFalse();
        assertThat(inactive).isFalse();
        assertThat(seenWhenInactive).isEqualTo(T0 + 2_000);
        assertThat(activeAgain).isTrue();
        // the socket stayed the same: an ACTIVE keeps its connection
        assertThat(redis.<String, String>opsForHash().get(PresenceKeys.devices(user), "1"))
                .isEqualTo("c1 " + (T0 + 3_000) + " 1");
    }

    @Test
    void shouldTakeARemovedDeviceOffline() {
        // given
        store.apply(user, 1, "CONNECTED", "c1", T0, T0);

        // when
        boolean online = store.apply(user, 1, "DEVICE_REMOVED", "-", T0 + 1_000, T0 + 1_000);

        // then
        assertThat(online).isFalse();
        assertThat(onlineUntil()).isNull();
    }

    @Test
    void shouldEndInTheSameStateWhenEventsAreAppliedAgainAfterACrash() {
        // given
        store.apply(user, 1, "CONNECTED", "c1", T0, T0);
        store.apply(user, 1, "HEARTBEAT", "c1", T0 + 30_000, T0 + 30_000);
        store.apply(user, 1, "DISCONNECTED", "c1", T0 + 40_000, T0 + 40_000);
        Long seen = lastSeen();

        // when: the same events again, as after a crash before the offsets were committed
        store.apply(user, 1, "CONNECTED", "c1", T0, T0 + 41_000);
        store.apply(user, 1, "HEARTBEAT", "c1", T0 + 30_000, T0 + 41_000);
        boolean online = store.apply(user, 1, "DISCONNECTED", "c1", T0 + 40_000, T0 + 41_000);

        // then
        assertThat(online).isFalse();
        assertThat(onlineUntil()).isNull();
        assertThat(lastSeen()).isEqualTo(seen);
    }

    @Test
    void shouldPublishTheUserWhenItComesOnlineOrLeavesTheOnlineSetAndNotOnHeartbeats() throws Exception {
        // given
        List<String> published = new CopyOnWriteArrayList<>();
        RedisMessageListenerContainer listener = new RedisMessageListenerContainer();
        listener.setConnectionFactory(factory);
        listener.addMessageListener(
                (message, pattern) -> published.add(new String(message.getBody(), StandardCharsets.UTF_8)),
                new ChannelTopic(PresenceKeys.CHANGES));
        listener.afterPropertiesSet();
        listener.start();
        try {
            String probe = "probe-" + user;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!published.contains(probe) && System.nanoTime() < deadline) {
                redis.convertAndSend(PresenceKeys.CHANGES, probe);
                Thread.sleep(50);
            }

            // when: online, a heartbeat, offline; later the device is back after its TTL ran out unswept
            store.apply(user, 1, "CONNECTED", "c1", T0, T0);
            store.apply(user, 1, "HEARTBEAT", "c1", T0 + 30_000, T0 + 30_000);
            store.apply(user, 1, "INACTIVE", "-", T0 + 31_000, T0 + 31_000);
            store.apply(user, 1, "ACTIVE", "-", T0 + 32_000, T0 + 32_000);
            long stale = T0 + 32_000 + TTL.toMillis() + 1;
            store.apply(user, 1, "CONNECTED", "c2", stale, stale);
            Thread.sleep(500);

            // then: online, offline, online, and online again (the stale score read as offline)
            assertThat(published.stream().filter(user::equals).count()).isEqualTo(4);
        } finally {
            listener.stop();
            listener.destroy();
        }
    }

    private @Nullable Double onlineUntil() {
        return redis.opsForZSet().score(PresenceKeys.ONLINE, user);
    }

    private @Nullable Long lastSeen() {
        Object value = redis.opsForHash().get(PresenceKeys.LAST_SEEN, user);
        return value == null ? null : Long.valueOf(value.toString());
    }
}
