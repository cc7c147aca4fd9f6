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

/**
 * The presence rules of {@code apply.lua} against the real local Redis; each test has users and gateway incarnations
 * of its own.
 */
@ExtendWith(LocalRedis.class)
class PresenceStoreIT {

    private static final Duration TTL = Duration.ofSeconds(90);
    private static final long T0 = 1_800_000_000_000L;

    private static LettuceConnectionFactory factory;
    private static StringRedisTemplate redis;
    private static PresenceStore store;

    private final String user = "presence-" + UUID.randomUUID();
    private final String gateway = "gateway-" + UUID.randomUUID();

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
        // given
        store.nodeAlive(gateway, T0);

        // when
        boolean online = apply(1, "CONNECTED", "c1", T0);

        // then: online until the sweep says otherwise, and the incarnation knows its user
        assertThat(online).isTrue();
        assertThat(onlineUntil()).isEqualTo((double) PresenceKeys.UNTIL_SWEPT);
        assertThat(lastSeen()).isEqualTo(T0);
        assertThat(redis.opsForSet().isMember(PresenceKeys.usersOf(gateway), user))
                .isTrue();

        // when
        boolean after = apply(1, "DISCONNECTED", "c1", T0 + 5_000);

        // then
        assertThat(after).isFalse();
        assertThat(onlineUntil()).isNull();
        assertThat(lastSeen()).isEqualTo(T0 + 5_000);
        assertThat(redis.hasKey(PresenceKeys.devices(user))).isFalse();
        assertThat(redis.opsForSet().isMember(PresenceKeys.usersOf(gateway), user))
                .isFalse();
    }

    @Test
    void shouldStayOnlineWhileAnyDeviceIsAndGoOfflineWithTheLast() {
        // given
        store.nodeAlive(gateway, T0);
        apply(1, "CONNECTED", "c1", T0);
        apply(2, "CONNECTED", "c2", T0 + 1_000);

        // when
        boolean oneLeft = apply(1, "DISCONNECTED", "c1", T0 + 2_000);
        boolean noneLeft = apply(2, "DISCONNECTED", "c2", T0 + 3_000);

        // then
        assertThat(oneLeft).isTrue();
        assertThat(noneLeft).isFalse();
        assertThat(lastSeen()).isEqualTo(T0 + 3_000);
    }

    @Test
    void shouldIgnoreTheLateDisconnectOfAReplacedSocket() {
        // given: the device reconnected (c2) before the old socket's DISCONNECTED came through
        store.nodeAlive(gateway, T0);
        apply(1, "CONNECTED", "c1", T0);
        apply(1, "CONNECTED", "c2", T0 + 1_000);

        // when
        boolean online = apply(1, "DISCONNECTED", "c1", T0 + 31_000);

        // then
        assertThat(online).isTrue();
        assertThat(redis.<String, String>opsForHash().get(PresenceKeys.devices(user), "1"))
                .isEqualTo("c2 " + (T0 + 1_000) + " 1 " + gateway);
    }

    @Test
    void shouldKeepADeviceAliveByItsIncarnationsNodeAliveAndSweepItWhenTheIncarnationGoesSilent() {
        // given: a device connected at T0; its gateway's last NODE_ALIVE came a minute later
        store.nodeAlive(gateway, T0);
        apply(1, "CONNECTED", "c1", T0);
        store.nodeAlive(gateway, T0 + 60_000);
        store.nodeAlive(gateway, T0 + 30_000);
        long silentFrom = T0 + 60_000 + TTL.toMillis();

        // then: a sweep before the incarnation was silent for the TTL keeps the user
        assertThat(store.silentIncarnations(silentFrom - 1)).doesNotContain(gateway);
        assertThat(store.sweep(user, silentFrom - 1)).isFalse();
        assertThat(store.forget(gateway, silentFrom - 1)).isFalse();

        // when: the gateway has been silent for the TTL
        assertThat(store.silentIncarnations(silentFrom)).contains(gateway);
        assertThat(store.usersOf(gateway, 10)).containsExactly(user);
        boolean forgottenWithUsers = store.forget(gateway, silentFrom);
        boolean sweptOffline = store.sweep(user, silentFrom);

        // then: offline, last seen the incarnation's last sign of life, and the incarnation forgotten once empty
        assertThat(forgottenWithUsers).isFalse();
        assertThat(sweptOffline).isTrue();
        assertThat(onlineUntil()).isNull();
        assertThat(lastSeen()).isEqualTo(T0 + 60_000);
        assertThat(redis.hasKey(PresenceKeys.devices(user))).isFalse();
        assertThat(store.usersOf(gateway, 10)).isEmpty();
        assertThat(store.forget(gateway, silentFrom)).isTrue();
        assertThat(store.silentIncarnations(silentFrom)).doesNotContain(gateway);
    }

    @Test
    void shouldGiveADeviceOfAnIncarnationNotKnownHereAFiniteScoreThatTheStaleSweepTakes() {
        // when: the CONNECTED of an incarnation whose NODE_ALIVE never came (or that was forgotten as dead)
        boolean online = apply(1, "CONNECTED", "c1", T0);
        long past = T0 + TTL.toMillis();

        // then: readers comparing the score with the clock see it offline from then on, before any sweep
        assertThat(online).isTrue();
        assertThat(onlineUntil()).isEqualTo((double) past);
        assertThat(store.stale(past - 1, 100)).doesNotContain(user);
        assertThat(store.stale(past, 100)).contains(user);
        assertThat(store.sweep(user, past)).isTrue();
        assertThat(lastSeen()).isEqualTo(T0);
    }

    @Test
    void shouldTreatAnEntryWrittenBeforeIncarnationsAsAliveForATtlAfterItsLastSign() {
        // given: a device entry without incarnation, and its user's old score
        redis.opsForHash().put(PresenceKeys.devices(user), "1", "c1 " + T0 + " 1");
        redis.opsForZSet().add(PresenceKeys.ONLINE, user, T0 + TTL.toMillis());

        // when / then
        assertThat(store.sweep(user, T0 + TTL.toMillis() - 1)).isFalse();
        assertThat(store.sweep(user, T0 + TTL.toMillis())).isTrue();
        assertThat(lastSeen()).isEqualTo(T0);
    }

    @Test
    void shouldKeepAUserWithALiveDeviceOnlineWhenAnotherDevicesIncarnationGoesSilent() {
        // given: device 1 on a gateway that died at T0, device 2 on one that lives
        String other = "gateway-" + UUID.randomUUID();
        store.nodeAlive(gateway, T0);
        store.nodeAlive(other, T0);
        apply(1, "CONNECTED", "c1", T0);
        store.apply(user, 2, "CONNECTED", "c2", other, T0 + 1_000, T0 + 1_000);
        store.nodeAlive(other, T0 + 90_000);

        // when
        boolean stillOnline = !store.sweep(user, T0 + 95_000);

        // then
        assertThat(stillOnline).isTrue();
        assertThat(redis.<String, String>opsForHash().keys(PresenceKeys.devices(user)))
                .containsExactly("2");
        assertThat(store.usersOf(gateway, 10)).isEmpty();
        assertThat(store.usersOf(other, 10)).containsExactly(user);
    }

    @Test
    void shouldCountOnlyActiveDevicesAndIgnoreActivityOfADeviceWithoutSocket() {
        // given
        store.nodeAlive(gateway, T0);
        boolean ignored = apply(1, "ACTIVE", "-", T0);
        apply(1, "CONNECTED", "c1", T0 + 1_000);

        // when
        boolean inactive = apply(1, "INACTIVE", "-", T0 + 2_000);
        long seenWhenInactive = lastSeen();
        boolean activeAgain = apply(1, "ACTIVE", "-", T0 + 3_000);

        // then
        assertThat(ignored).isFalse();
        assertThat(inactive).isFalse();
        assertThat(seenWhenInactive).isEqualTo(T0 + 2_000);
        assertThat(activeAgain).isTrue();
        // the socket stayed the same: an ACTIVE keeps its connection and incarnation
        assertThat(redis.<String, String>opsForHash().get(PresenceKeys.devices(user), "1"))
                .isEqualTo("c1 " + (T0 + 3_000) + " 1 " + gateway);
    }

    @Test
    void shouldTakeARemovedDeviceOffline() {
        // given
        store.nodeAlive(gateway, T0);
        apply(1, "CONNECTED", "c1", T0);

        // when
        boolean online = apply(1, "DEVICE_REMOVED", "-", T0 + 1_000);

        // then
        assertThat(online).isFalse();
        assertThat(onlineUntil()).isNull();
        assertThat(lastSeen()).isEqualTo(T0 + 1_000);
    }

    @Test
    void shouldEndInTheSameStateWhenEventsAreAppliedAgainAfterACrash() {
        // given
        store.nodeAlive(gateway, T0);
        apply(1, "CONNECTED", "c1", T0);
        store.nodeAlive(gateway, T0 + 30_000);
        apply(1, "DISCONNECTED", "c1", T0 + 40_000);
        Long seen = lastSeen();

        // when: the same events again, as after a crash before the offsets were committed
        store.apply(user, 1, "CONNECTED", "c1", gateway, T0, T0 + 41_000);
        store.nodeAlive(gateway, T0 + 30_000);
        boolean online = store.apply(user, 1, "DISCONNECTED", "c1", gateway, T0 + 40_000, T0 + 41_000);

        // then
        assertThat(online).isFalse();
        assertThat(onlineUntil()).isNull();
        assertThat(lastSeen()).isEqualTo(seen);
    }

    @Test
    void shouldPublishTheUserWhenItComesOnlineOrLeavesTheOnlineSetAndNotOnNodeAlive() throws Exception {
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

            // when: online, NODE_ALIVE, background, front; then the gateway dies and the device comes back
            store.nodeAlive(gateway, T0);
            apply(1, "CONNECTED", "c1", T0);
            store.nodeAlive(gateway, T0 + 30_000);
            apply(1, "INACTIVE", "-", T0 + 31_000);
            apply(1, "ACTIVE", "-", T0 + 32_000);
            long silent = T0 + 32_000 + TTL.toMillis();
            store.sweep(user, silent);
            String next = "gateway-" + UUID.randomUUID();
            store.nodeAlive(next, silent);
            store.apply(user, 1, "CONNECTED", "c2", next, silent + 1, silent + 1);
            Thread.sleep(500);

            // then: online, offline, online, offline (swept), online
            assertThat(published.stream().filter(user::equals).count()).isEqualTo(5);
        } finally {
            listener.stop();
            listener.destroy();
        }
    }

    /** An event of the test's device on the test's gateway incarnation, applied at its own time. */
    private boolean apply(int deviceId, String type, String connectionId, long at) {
        return store.apply(user, deviceId, type, connectionId, gateway, at, at);
    }

    private @Nullable Double onlineUntil() {
        return redis.opsForZSet().score(PresenceKeys.ONLINE, user);
    }

    private @Nullable Long lastSeen() {
        Object value = redis.opsForHash().get(PresenceKeys.LAST_SEEN, user);
        return value == null ? null : Long.valueOf(value.toString());
    }
}
