package io.socialink.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.socialink.presence.runtime.PresenceStreams;
import io.socialink.schemas.avro.ConnectionEvent;
import io.socialink.schemas.avro.ConnectionEventType;
import io.socialink.schemas.presence.PresenceKeys;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.RedisTestEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * presence-service against the real local Kafka broker and Redis: connection events in, presence in Redis out; one
 * instance, and two sharing the work.
 */
@ExtendWith({LocalKafka.class, LocalRedis.class})
class PresenceServiceIT {

    private static final String INTERNAL_SECRET = "integration-test-internal-secret-0123456789";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path stateDir;

    @Test
    void shouldDeriveOnlineAndLastSeenFromConnectionEventsAndExpireADeadGatewaysDevices(
            KafkaTestEnv kafka, RedisTestEnv redisEnv) throws Exception {
        // given: devices count as gone 4 s after their connect or their gateway incarnation's last NODE_ALIVE,
        // swept every second; one gateway incarnation lives on, the other dies
        String alice = "pr-" + UUID.randomUUID();
        String bob = "pr-" + UUID.randomUUID();
        String carol = "pr-" + UUID.randomUUID();
        String dying = "inc-" + UUID.randomUUID();
        String living = "inc-" + UUID.randomUUID();
        try (ConfigurableApplicationContext app = start(kafka, redisEnv, stateDir)) {
            PresenceStreams streams = app.getBean(PresenceStreams.class);
            StringRedisTemplate redis = app.getBean(StringRedisTemplate.class);
            await().atMost(TIMEOUT).until(() -> streams.state() == KafkaStreams.State.RUNNING);
            produce(kafka, Topics.nodeAliveKey(0), nodeAlive(dying, Instant.now()));
            produce(kafka, Topics.nodeAliveKey(1), nodeAlive(living, Instant.now()));

            // when: all three connect (carol on the living incarnation); alice disconnects, bob's gateway dies
            // without a word, carol's keeps sending NODE_ALIVE
            Instant connectedAt = Instant.now();
            produce(kafka, alice + ".1", event(ConnectionEventType.CONNECTED, "a1", dying, connectedAt));
            produce(kafka, bob + ".1", event(ConnectionEventType.CONNECTED, "b1", dying, connectedAt));
            produce(kafka, carol + ".1", event(ConnectionEventType.CONNECTED, "c1", living, connectedAt));

            // then
            await().atMost(TIMEOUT).until(() -> online(redis, alice) && online(redis, bob) && online(redis, carol));

            // when
            Instant disconnectedAt = connectedAt.plusMillis(500);
            produce(kafka, alice + ".1", event(ConnectionEventType.DISCONNECTED, "a1", dying, disconnectedAt));

            // then: alice at once, with her disconnect as last seen
            await().atMost(TIMEOUT).until(() -> !online(redis, alice));
            assertThat(lastSeen(redis, alice)).isEqualTo(disconnectedAt.toEpochMilli());

            // and bob by himself once his incarnation is silent for the TTL, out of the online set, last seen his
            // CONNECTED (later than his incarnation's last NODE_ALIVE); carol stays, without events of her own
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (online(redis, bob) && System.nanoTime() < deadline) {
                produce(kafka, Topics.nodeAliveKey(1), nodeAlive(living, Instant.now()));
                Thread.sleep(500);
            }
            await().atMost(TIMEOUT).until(() -> redis.opsForZSet().score(PresenceKeys.ONLINE, bob) == null);
            assertThat(Duration.between(connectedAt, Instant.now())).isGreaterThan(Duration.ofSeconds(4));
            assertThat(lastSeen(redis, bob)).isEqualTo(connectedAt.toEpochMilli());
            assertThat(redis.hasKey(PresenceKeys.devices(bob))).isFalse();
            assertThat(online(redis, carol)).isTrue();
            await().atMost(TIMEOUT).until(() -> !redis.opsForHash().hasKey(PresenceKeys.INCARNATIONS, dying));
            assertThat(redis.hasKey(PresenceKeys.usersOf(dying))).isFalse();

            // when carol's gateway dies too
            Instant lastAlive = Instant.now();
            produce(kafka, Topics.nodeAliveKey(1), nodeAlive(living, lastAlive));

            // then she goes, last seen her incarnation's last NODE_ALIVE
            await().atMost(TIMEOUT).until(() -> redis.opsForZSet().score(PresenceKeys.ONLINE, carol) == null);
            assertThat(lastSeen(redis, carol)).isEqualTo(lastAlive.toEpochMilli());
        }
    }

    @Test
    void shouldShareThePartitionsBetweenTwoInstancesAndCarryOnWithTheSweepWhenOneStops(
            KafkaTestEnv kafka, RedisTestEnv redisEnv) throws Exception {
        try (ConfigurableApplicationContext first = start(kafka, redisEnv, stateDir.resolve("first"));
                ConfigurableApplicationContext second = start(kafka, redisEnv, stateDir.resolve("second"))) {
            PresenceStreams one = first.getBean(PresenceStreams.class);
            PresenceStreams two = second.getBean(PresenceStreams.class);
            StringRedisTemplate redis = second.getBean(StringRedisTemplate.class);

            // given: both instances run tasks of the one application
            await().atMost(TIMEOUT)
                    .until(() -> one.state() == KafkaStreams.State.RUNNING
                            && two.state() == KafkaStreams.State.RUNNING
                            && !one.activeTasks().isEmpty()
                            && !two.activeTasks().isEmpty());
            assertThat(one.activeTasks()).doesNotContainAnyElementsOf(two.activeTasks());

            // when: users on every partition connect
            List<String> before = users(24);
            Instant at = Instant.now();
            for (String user : before) {
                produce(kafka, user + ".1", event(ConnectionEventType.CONNECTED, "c-" + user, at));
            }

            // then: both instances' partitions are applied
            await().atMost(TIMEOUT).until(() -> before.stream().allMatch(user -> online(redis, user)));

            // when: the instance that sweeps (the task of partition 0) stops; more users connect
            boolean firstSweeps = one.activeTasks().stream().anyMatch(task -> task.partition() == 0);
            PresenceStreams remaining = firstSweeps ? two : one;
            StringRedisTemplate remainingRedis = (firstSweeps ? second : first).getBean(StringRedisTemplate.class);
            (firstSweeps ? first : second).close();
            await().atMost(TIMEOUT)
                    .until(() -> remaining.state() == KafkaStreams.State.RUNNING
                            && remaining.activeTasks().stream().anyMatch(task -> task.partition() == 0));
            List<String> after = users(24);
            Instant later = Instant.now();
            for (String user : after) {
                produce(kafka, user + ".1", event(ConnectionEventType.CONNECTED, "c-" + user, later));
            }

            // then: the other instance applies every partition, and its sweep takes all of them (their events name
            // no incarnation, so each lives 4 s after its CONNECTED) out of the online set
            await().atMost(TIMEOUT).until(() -> after.stream()
                    .allMatch(user -> remainingRedis.opsForZSet().score(PresenceKeys.ONLINE, user) != null));
            await().atMost(TIMEOUT).until(() -> Stream.concat(before.stream(), after.stream())
                    .allMatch(user -> remainingRedis.opsForZSet().score(PresenceKeys.ONLINE, user) == null));
        }
    }

    private static List<String> users(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> "pr-" + UUID.randomUUID())
                .toList();
    }

    private static boolean online(StringRedisTemplate redis, String user) {
        Double until = redis.opsForZSet().score(PresenceKeys.ONLINE, user);
        return until != null && until > System.currentTimeMillis();
    }

    private static Long lastSeen(StringRedisTemplate redis, String user) {
        Object value = redis.opsForHash().get(PresenceKeys.LAST_SEEN, user);
        return value == null ? -1L : Long.parseLong(value.toString());
    }

    /** An event of a gateway that predates incarnations: its device lives a TTL after the event. */
    private static ConnectionEvent event(ConnectionEventType type, String connectionId, Instant at) {
        return event(type, connectionId, "", at);
    }

    private static ConnectionEvent event(
            ConnectionEventType type, String connectionId, String incarnation, Instant at) {
        return ConnectionEvent.newBuilder()
                .setType(type)
                .setGatewayNode(0)
                .setConnectionId(connectionId)
                .setIncarnation(incarnation)
                .setAt(at)
                .build();
    }

    private static ConnectionEvent nodeAlive(String incarnation, Instant at) {
        return event(ConnectionEventType.NODE_ALIVE, "", incarnation, at);
    }

    private static ConfigurableApplicationContext start(KafkaTestEnv kafka, RedisTestEnv redis, Path stateDir) {
        Map<String, Object> properties = new HashMap<>(kafka.springProperties());
        properties.putAll(redis.springProperties());
        properties.put("server.port", 0);
        properties.put("management.server.port", 0);
        properties.put("socialink.internal.secret", INTERNAL_SECRET);
        properties.put("socialink.presence.state-dir", stateDir.toString());
        properties.put("socialink.presence.device-ttl", "4s");
        properties.put("socialink.presence.sweep-interval", "1s");
        return new SpringApplicationBuilder(PresenceServiceApplication.class)
                .properties(properties)
                .run();
    }

    private static void produce(KafkaTestEnv kafka, String address, ConnectionEvent event) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
            String name = kafka.layout().name(Topics.DEVICE_CONNECTIONS);
            producer.send(new ProducerRecord<>(
                            name,
                            Topics.DEVICE_CONNECTIONS.keySerde().serializer().serialize(name, address),
                            Topics.DEVICE_CONNECTIONS.valueSerde().serializer().serialize(name, event)))
                    .get();
        }
    }
}
