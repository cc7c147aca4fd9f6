package io.socialink.client.e2e;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Looks for a plaintext marker in everything the server side keeps: every record (key, value, headers) of chosen
 * Kafka topics, every row of every table of a Postgres database (as text, so bytea shows as hex), every Redis key
 * and value, and files such as service logs. The marker counts as found in its UTF-8 bytes, as lowercase hex of
 * those bytes (Postgres bytea text), or as the base64 of one of the known full plaintexts.
 */
final class MarkerScanner {

    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(60);

    private final List<byte[]> needles = new ArrayList<>();

    MarkerScanner(String marker, List<String> plaintexts) {
        byte[] bytes = marker.getBytes(StandardCharsets.UTF_8);
        needles.add(bytes);
        needles.add(HexFormat.of().formatHex(bytes).getBytes(StandardCharsets.US_ASCII));
        for (String plaintext : plaintexts) {
            needles.add(Base64.getEncoder().encode(plaintext.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Every record of the topics whose names pass the filter; answers {@code topic-partition@offset} of hits. */
    List<String> kafka(KafkaTestEnv kafka, Predicate<String> topics) throws Exception {
        List<String> hits = new ArrayList<>();
        Properties adminProperties = new Properties();
        adminProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        List<String> names;
        try (Admin admin = Admin.create(adminProperties)) {
            names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get().stream()
                    .filter(topics)
                    .sorted()
                    .toList();
        }
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(kafka.consumerProperties("privacy-scan-" + UUID.randomUUID()))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String name : names) {
                consumer.partitionsFor(name)
                        .forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
            while (!reachedEnd(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the topics to their end: " + names);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    boolean hit = contains(record.key()) || contains(record.value());
                    for (Header header : record.headers()) {
                        hit |= contains(header.key().getBytes(StandardCharsets.UTF_8)) || contains(header.value());
                    }
                    if (hit) {
                        hits.add(record.topic() + "-" + record.partition() + "@" + record.offset());
                    }
                }
            }
        }
        return hits;
    }

    /** The topics a scan with this filter reads. */
    static List<String> topics(KafkaTestEnv kafka, Predicate<String> topics) throws Exception {
        Properties adminProperties = new Properties();
        adminProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(adminProperties)) {
            return admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get().stream()
                    .filter(topics)
                    .sorted()
                    .toList();
        }
    }

    /** Every row of every table of the database, as text; answers {@code schema.table} of hits. */
    List<String> postgres(PostgresTestEnv postgres) throws SQLException {
        List<String> hits = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
                Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet result = statement.executeQuery("SELECT table_schema, table_name FROM "
                    + "information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN "
                    + "('pg_catalog', 'information_schema')")) {
                while (result.next()) {
                    tables.add("\"" + result.getString(1) + "\".\"" + result.getString(2) + "\"");
                }
            }
            for (String table : tables) {
                try (ResultSet rows = statement.executeQuery("SELECT t::text FROM " + table + " t")) {
                    while (rows.next()) {
                        String row = rows.getString(1);
                        if (row != null && contains(row.getBytes(StandardCharsets.UTF_8))) {
                            hits.add(table);
                            break;
                        }
                    }
                }
            }
        }
        return hits;
    }

    /** How many tables a scan of the database reads. */
    static int tableCount(PostgresTestEnv postgres) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM information_schema.tables WHERE "
                        + "table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')")) {
            result.next();
            return result.getInt(1);
        }
    }

    /** Every key and value in Redis (all types); answers the keys of hits. */
    List<String> redis(RedisTestEnv redis) {
        List<String> hits = new ArrayList<>();
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
            RedisCommands<byte[], byte[]> commands = connection.sync();
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<byte[]> page = commands.scan(cursor, ScanArgs.Builder.limit(1000));
                for (byte[] key : page.getKeys()) {
                    if (contains(key) || valueContains(commands, key)) {
                        hits.add(new String(key, StandardCharsets.UTF_8));
                    }
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown();
        }
        return hits;
    }

    /** The files among {@code files} that contain the marker. */
    List<Path> files(List<Path> files) throws IOException {
        List<Path> hits = new ArrayList<>();
        for (Path file : files) {
            if (Files.exists(file) && contains(Files.readAllBytes(file))) {
                hits.add(file);
            }
        }
        return hits;
    }

    private boolean valueContains(RedisCommands<byte[], byte[]> commands, byte[] key) {
        String type = commands.type(key);
        List<byte[]> values = new ArrayList<>();
        switch (type) {
            case "string" -> values.add(commands.get(key));
            case "hash" ->
                commands.hgetall(key).forEach((field, value) -> {
                    values.add(field);
                    values.add(value);
                });
            case "list" -> values.addAll(commands.lrange(key, 0, -1));
            case "set" -> values.addAll(commands.smembers(key));
            case "zset" -> values.addAll(commands.zrange(key, 0, -1));
            case "stream" -> {
                for (StreamMessage<byte[], byte[]> message :
                        commands.xrange(key, io.lettuce.core.Range.create("-", "+"))) {
                    message.getBody().forEach((field, value) -> {
                        values.add(field);
                        values.add(value);
                    });
                }
            }
            default -> {
                // "none": the key expired between the scan and the read
            }
        }
        return values.stream().anyMatch(this::contains);
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    boolean contains(byte[] haystack) {
        if (haystack == null) {
            return false;
        }
        for (byte[] needle : needles) {
            if (indexOf(haystack, needle) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
