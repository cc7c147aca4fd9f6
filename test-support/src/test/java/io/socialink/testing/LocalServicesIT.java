package io.socialink.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.socialink.schemas.topics.TopicAdmin;
import io.socialink.schemas.topics.Topics;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class LocalServicesIT {

    @Test
    void shouldGiveTheClassItsOwnTopicsDatabaseAndRedis(
            KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) throws Exception {
        // then the catalog exists under the class's prefix
        try (Admin admin = TopicAdmin.connect(kafka.bootstrapServers())) {
            Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            Topics.ALL.forEach(
                    topic -> assertThat(names).contains(kafka.layout().name(topic)));
            TopicAdmin.verify(admin, kafka.layout());
        }
        assertThat(kafka.layout().prefix()).startsWith("test-");

        // and the database is fresh and usable
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
                ResultSet tables = connection
                        .createStatement()
                        .executeQuery("select count(*) from information_schema.tables where table_schema = 'public'")) {
            tables.next();
            assertThat(tables.getInt(1)).isZero();
        }

        // and Redis answers
        RedisClient client = RedisClient.create(redis.url());
        try (var connection = client.connect()) {
            assertThat(connection.sync().ping()).isEqualTo("PONG");
        } finally {
            client.shutdown();
        }
    }
}
