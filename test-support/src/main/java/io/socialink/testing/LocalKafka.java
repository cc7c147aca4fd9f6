package io.socialink.testing;

import io.socialink.schemas.topics.TopicAdmin;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class the real local Kafka broker ({@code KAFKA_BOOTSTRAP_SERVERS}, default localhost:9092, started
 * by {@code infra/socialink kafka start}) and the whole topic catalog under a prefix of its own, with small
 * partition counts; the topics are deleted after the class. Fails the class with a clear message when no broker
 * answers.
 */
public final class LocalKafka extends ClassScopedResource<KafkaTestEnv> {

    public LocalKafka() {
        super(KafkaTestEnv.class);
    }

    public static String bootstrapServers() {
        return System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
    }

    @Override
    KafkaTestEnv open(ExtensionContext context) throws Exception {
        return createTopics();
    }

    @Override
    void close(KafkaTestEnv env) throws Exception {
        deleteTopics(env);
    }

    /** The whole topic catalog under a fresh prefix: what a test class gets, for a resource that outlives one. */
    public static KafkaTestEnv createTopics() throws Exception {
        String bootstrap = bootstrapServers();
        String prefix = "test-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        TopicLayout layout = new TopicLayout(prefix, 3, 2, 1, 2, (short) 1);
        try (Admin admin = TopicAdmin.connect(bootstrap)) {
            try {
                admin.describeCluster().clusterId().get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new ExtensionConfigurationException(
                        "no Kafka broker answers at " + bootstrap + "; start one with: infra/socialink kafka start", e);
            }
            TopicAdmin.ensure(admin, layout);
        }
        return new KafkaTestEnv(bootstrap, layout);
    }

    public static void deleteTopics(KafkaTestEnv env) throws Exception {
        try (Admin admin = TopicAdmin.connect(env.bootstrapServers())) {
            List<String> names =
                    Topics.ALL.stream().map(topic -> env.layout().name(topic)).toList();
            admin.deleteTopics(names).all().get(30, TimeUnit.SECONDS);
        }
    }
}
