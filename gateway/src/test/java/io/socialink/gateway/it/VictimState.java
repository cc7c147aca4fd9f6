package io.socialink.gateway.it;

import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.PostgresTestEnv;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the gateway keeps about one user, as a digest per table: devices, their current and retired keys,
 * one-time prekeys, KeyPackages and their refs, settings, hidden messages, the message rows the user sent or got and
 * the groups the user created or belongs to. Two snapshots are equal exactly when none of it changed. The Kafka side
 * (acks, connection events, group commands in the user's name) is read separately, being slow to read.
 */
record VictimState(Map<String, String> tables) {

    private static final Map<String, String> QUERIES = queries();

    private static Map<String, String> queries() {
        Map<String, String> queries = new LinkedHashMap<>();
        for (String table : List.of(
                "devices",
                "signed_prekeys",
                "kyber_last_resort_prekeys",
                "one_time_prekeys",
                "one_time_kyber_prekeys",
                "one_time_key_packages",
                "last_resort_key_packages",
                "key_package_refs",
                "user_settings",
                "message_hidden",
                "group_members",
                "group_devices")) {
            queries.put(table, digest(table, "t.user_id = ?"));
        }
        queries.put(
                "message_status",
                digest(
                        "message_status",
                        "(t.sender_user_id = ? OR t.recipient_user_id = ? OR t.destination_user_id = ?)"));
        queries.put(
                "groups",
                digest(
                        "groups",
                        "(t.creator_user_id = ? OR t.group_id IN "
                                + "(SELECT group_id FROM group_members WHERE user_id = ?))"));
        return Map.copyOf(queries);
    }

    private static String digest(String table, String condition) {
        return "SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM " + table
                + " t WHERE " + condition;
    }

    /** One statement for all tables: the fuzz suite takes a snapshot after every request. */
    private static final String SNAPSHOT = String.join(
            " UNION ALL ",
            QUERIES.entrySet().stream()
                    .map(query -> "SELECT '" + query.getKey() + "', (" + query.getValue() + ")")
                    .toList());

    private static final int PLACEHOLDERS =
            (int) SNAPSHOT.chars().filter(c -> c == '?').count();

    static VictimState of(Connection connection, String userId) {
        Map<String, String> tables = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(SNAPSHOT)) {
            for (int i = 1; i <= PLACEHOLDERS; i++) {
                statement.setString(i, userId);
            }
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    tables.put(result.getString(1), result.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new VictimState(Map.copyOf(tables));
    }

    static Connection connect(PostgresTestEnv postgres) {
        try {
            return DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records on Kafka that only the user's own devices may cause: acks and connection events of its devices. */
    static long kafkaRecordsOf(KafkaTestEnv kafka, String userId, Set<String> groupIds) {
        String prefix = userId + ".";
        return KafkaRecords.readAll(kafka, Topics.DEVICE_ACKS, record -> record.key()
                                .startsWith(prefix))
                        .size()
                + KafkaRecords.readAll(kafka, Topics.DEVICE_CONNECTIONS, record -> record.key()
                                .startsWith(prefix))
                        .size()
                + KafkaRecords.readAll(kafka, Topics.GROUP_COMMANDS, record -> groupIds.contains(record.key()))
                        .size();
    }
}
