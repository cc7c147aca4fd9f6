package io.socialink.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.mls.GroupIds;
import io.socialink.client.mls.MlsDevice;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server never sees plaintext: after an encrypted conversation in which every message carries a random marker
 * (online and queued deliveries, both directions, sync copies, Note to Self, and messages in an MLS group), the
 * marker is in none of the test's Kafka topics (the catalog's prefixed topics and the delivery-worker's and
 * group-fanout's changelog and repartition topics), none of the rows of its Postgres database, no Redis key or value,
 * and no service log. A control plants the marker in
 * each kind of storage and checks that the same scan finds it, so a blind scan cannot pass.
 */
@ExtendWith(SharedLocalSystem.class)
class PrivacyIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static LocalSystem system;
    private static SocialinkClient client;
    private static KafkaTestEnv kafka;
    private static PostgresTestEnv postgres;
    private static RedisTestEnv redis;

    @BeforeAll
    static void useSharedSystem(
            LocalSystem shared, KafkaTestEnv kafkaEnv, PostgresTestEnv postgresEnv, RedisTestEnv redisEnv) {
        kafka = kafkaEnv;
        postgres = postgresEnv;
        redis = redisEnv;
        system = shared;
        client = system.client();
    }

    @Test
    void shouldKeepThePlaintextMarkerOutOfKafkaPostgresRedisAndLogs() throws Exception {
        // given an encrypted conversation in which every message carries the marker
        String marker = "privacy-marker-" + UUID.randomUUID();
        List<String> plaintexts = converse(marker);
        MarkerScanner scanner = new MarkerScanner(marker, plaintexts);
        Predicate<String> testTopics =
                name -> name.startsWith(kafka.layout().prefix()) || name.startsWith(system.workerApplicationId);

        // when the server side is scanned
        List<String> kafkaHits = scanner.kafka(kafka, testTopics);
        List<String> postgresHits = scanner.postgres(postgres);
        List<String> redisHits = scanner.redis(redis);
        List<Path> logHits = scanner.files(system.logs());

        // then the marker is nowhere, and the scan did read the worker's internal topics and the gateway's tables
        assertThat(MarkerScanner.topics(kafka, testTopics))
                .anyMatch(name -> name.startsWith(system.workerApplicationId) && name.endsWith("-changelog"))
                .anyMatch(name -> name.equals(kafka.layout().prefix() + "device.deliveries"))
                .anyMatch(name -> name.equals(kafka.layout().prefix() + "group.commands"))
                .anyMatch(name ->
                        name.startsWith(kafka.layout().prefix() + "e2e-groups-") && name.endsWith("-changelog"));
        assertThat(MarkerScanner.tableCount(postgres)).isPositive();
        assertThat(kafkaHits).as("Kafka records with the marker").isEmpty();
        assertThat(postgresHits).as("Postgres tables with the marker").isEmpty();
        assertThat(redisHits).as("Redis keys with the marker").isEmpty();
        assertThat(logHits).as("service logs with the marker").isEmpty();

        // and, as a control, the same scans find the marker once it is planted in each store
        plantInKafka(marker);
        plantInPostgres(marker);
        String redisKey = plantInRedis(marker);
        Path log = Files.createTempFile("privacy-control", ".log");
        Files.writeString(log, "a log line that leaks " + marker + "\n");
        assertThat(scanner.kafka(kafka, testTopics))
                .anyMatch(hit -> hit.startsWith(kafka.layout().prefix() + "privacy-control"));
        assertThat(scanner.postgres(postgres)).contains("\"public\".\"privacy_control\"");
        assertThat(scanner.redis(redis)).contains(redisKey);
        assertThat(scanner.files(List.of(log))).containsExactly(log);
    }

    /** Alice (two devices) and Bob (two devices, one offline at first) write to each other; answers the plaintexts. */
    private static List<String> converse(String marker) throws Exception {
        Path stores = Files.createTempDirectory("privacy");
        String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8);
        String bob = "bob-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> plaintexts = new ArrayList<>();
        try (SecureDevice alice1 = SecureDevice.online(client, alice, stores);
                SecureDevice alice2 = SecureDevice.online(client, alice, stores);
                SecureDevice bob1 = SecureDevice.online(client, bob, stores);
                SecureDevice bob2 = SecureDevice.offline(client, bob, stores)) {
            for (int round = 0; round < 3; round++) {
                plaintexts.add(send(alice1, bob, marker + " alice1 round " + round, bob1, alice2));
                plaintexts.add(send(bob1, alice, marker + " bob1 round " + round, alice1, alice2));
                plaintexts.add(send(alice2, bob, marker + " alice2 round " + round, bob1, alice1));
            }
            plaintexts.add(send(alice1, alice, marker + " note to self", alice2));
            // bob's second device drains what waited in its queue, then answers
            bob2.connect();
            for (String text : plaintexts) {
                if (text.contains("alice") && !text.contains("note to self") || text.contains("bob1")) {
                    assertThat(bob2.awaitText(text, WAIT))
                            .as("queued '" + text + "'")
                            .isTrue();
                }
            }
            plaintexts.add(send(bob2, alice, marker + " bob2 after the queue", alice1, alice2, bob1));
            for (SecureDevice device : List.of(alice1, alice2, bob1, bob2)) {
                assertThat(device.undecryptable()).as(device + " undecryptable").isEmpty();
            }
        }
        plaintexts.addAll(converseInGroup(marker));
        return plaintexts;
    }

    /** Carol (two devices) and Dave write in an MLS group; answers the plaintexts. */
    private static List<String> converseInGroup(String marker) throws Exception {
        String carol = "carol-" + UUID.randomUUID().toString().substring(0, 8);
        String dave = "dave-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> plaintexts = new ArrayList<>();
        try (MlsDevice carol1 = MlsDevice.online(client, carol);
                MlsDevice carol2 = MlsDevice.online(client, carol);
                MlsDevice dave1 = MlsDevice.online(client, dave)) {
            String group = GroupIds.random();
            carol1.groups().create(group);
            carol1.groups().add(group, List.of(carol, dave));
            for (MlsDevice device : List.of(carol2, dave1)) {
                assertThat(device.inbox().awaitJoined(group, WAIT))
                        .as(device + " joined")
                        .isTrue();
            }
            for (MlsDevice sender : List.of(carol1, dave1, carol2)) {
                String text = marker + " group message from " + sender.address();
                sender.groups().send(group, text.getBytes(StandardCharsets.UTF_8));
                for (MlsDevice receiver : List.of(carol1, carol2, dave1)) {
                    if (receiver != sender) {
                        assertThat(receiver.inbox().awaitText(group, text, WAIT))
                                .as(receiver + " decrypts '" + text + "'")
                                .isTrue();
                    }
                }
                plaintexts.add(text);
            }
        }
        return plaintexts;
    }

    private static String send(SecureDevice sender, String destination, String text, SecureDevice... receivers)
            throws InterruptedException {
        sender.send(destination, text);
        for (SecureDevice receiver : receivers) {
            assertThat(receiver.awaitText(text, WAIT))
                    .as(receiver + " decrypts '" + text + "'")
                    .isTrue();
        }
        return text;
    }

    private static void plantInKafka(String marker) throws Exception {
        String topic = kafka.layout().prefix() + "privacy-control";
        Properties adminProperties = new Properties();
        adminProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(adminProperties)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
            producer.send(new ProducerRecord<>(
                            topic,
                            "control".getBytes(StandardCharsets.UTF_8),
                            ("{\"leaked\": \"" + marker + "\"}").getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
    }

    private static void plantInPostgres(String marker) throws Exception {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "")) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE privacy_control (id serial PRIMARY KEY, content bytea)");
            }
            try (PreparedStatement insert =
                    connection.prepareStatement("INSERT INTO privacy_control (content) VALUES (?)")) {
                insert.setBytes(1, ("ciphertext? " + marker).getBytes(StandardCharsets.UTF_8));
                insert.executeUpdate();
            }
        }
    }

    private static String plantInRedis(String marker) {
        String key = "privacy-control:" + UUID.randomUUID();
        RedisClient redisClient = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> connection = redisClient.connect()) {
            // long enough to outlive the scan of a Redis full of other keys (a developer's machine after benchmarks)
            connection.sync().set(key, "leaked " + marker, SetArgs.Builder.ex(3600));
        } finally {
            redisClient.shutdown();
        }
        return key;
    }
}
