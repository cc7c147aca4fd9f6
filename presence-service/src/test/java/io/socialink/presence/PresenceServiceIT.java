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
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

/** presence-service against the real local Kafka broker and Redis: connection events in, presence in Redis out. */
@ExtendWith({LocalKafka.class, LocalRedis.class})
class PresenceServiceIT {

    private static final String INTERNAL_SECRET = "integration-test-internal-secret-0123456789";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path stateDir;

    @Test
    void shouldDeriveOnlineAndLastSeenFromConnectionEventsAndExpireADeadGatewaysDevices(
            KafkaTestEnv kafka, RedisTestEnv redisEnv) throws Exception {
        // given: devices count as gone 4 s after their last event, swept every second
        String alice = "pr-" + UUID.randomUUID();
        String bob = "pr-" + UUID.randomUUID();
        try (ConfigurableApplicationContext app = start(kafka, redisEnv)) {
            PresenceStreams streams = app.getBean(PresenceStreams.class);
            StringRedisTemplate redis = app.getBean(StringRedisTemplate.class);
            await().atMost(TIMEOUT).until(() -> streams.state() == KafkaStreams.State.RUNNING);

            // when: both connect; alice disconnects, bob's gateway dies without a word
            Instant connectedAt = Instant.now();
            produce(kafka, alice + ".1", event(ConnectionEventType.CONNECTED, "a1", connectedAt));
            produce(kafka, bob + ".1", event(ConnectionEventType.CONNECTED, "b1", connectedAt));

            // then
            await().atMost(TIMEOUT).until(() -> online(redis, alice) && online(redis, bob));

            // when
            Instant disconnectedAt = connectedAt.plusMillis(500);
            produce(kafka, alice + ".1", event(ConnectionEventType.DISCONNECTED, "a1", disconnectedAt));

            // then: alice at once, with her disconnect as last seen
            await().atMost(TIMEOUT).until(() -> !online(redis, alice));
            assertThat(lastSeen(redis, alice)).isEqualTo(disconnectedAt.toEpochMilli());

            // and bob by himself within the TTL, out of the online set, last seen his CONNECTED
            await().atMost(TIMEOUT).until(() -> !online(redis, bob));
            await().atMost(TIMEOUT).until(() -> redis.opsForZSet().score(PresenceKeys.ONLINE, bob) == null);
            assertThat(lastSeen(redis, bob)).isEqualTo(connectedAt.toEpochMilli());
            assertThat(redis.hasKey(PresenceKeys.devices(bob))).isFalse();
        }
    }

    private static boolean online(StringRedisTemplate redis, String user) {
        Double until = redis.opsForZSet().score(PresenceKeys.ONLINE, user);
        return until != null && until > System.currentTimeMillis();
    }

    private static Long lastSeen(StringRedisTemplate redis, String user) {
        Object value = redis.opsForHash().get(PresenceKeys.LAST_SEEN, user);
        return value == null ? -1L : Long.parseLong(value.toString());
    }

    private static ConnectionEvent event(ConnectionEventType type, String connectionId, Instant at) {
        return ConnectionEvent.newBuilder()
                .setType(type)
                .setGatewayNode(0)
                .setConnectionId(connectionId)
                .setAt(at)
                .build();
    }

    private ConfigurableApplicationContext start(KafkaTestEnv kafka, RedisTestEnv redis) {
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
