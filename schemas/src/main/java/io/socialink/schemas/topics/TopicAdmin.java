package io.socialink.schemas.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the catalog's topics and checks that existing ones have the configured partition counts.
 * Apps call {@link #verify} at startup and refuse to run on a layout that would break co-partitioning;
 * the infra scripts run {@code main} ({@code create} or {@code verify}).
 */
public final class TopicAdmin {

    private static final long TIMEOUT_SECONDS = 30;

    private TopicAdmin() {}

    /** Creates every missing topic of the catalog, then verifies all of them. Idempotent. */
    public static void ensure(Admin admin, TopicLayout layout) {
        try {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?, ?> topic : Topics.ALL) {
                if (!existing.contains(layout.name(topic))) {
                    missing.add(newTopic(topic, layout));
                }
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // another process created them meanwhile: verify() below decides
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        awaitVisible(admin, layout);
    }

    /**
     * Verifies, retrying while new topics are not yet in the broker's metadata: a createTopics that returned does not
     * mean a describe right after finds every partition, and an app started next must find them.
     */
    private static void awaitVisible(Admin admin, TopicLayout layout) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                verify(admin, layout);
                return;
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof ExecutionException execution
                                && execution.getCause() instanceof UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** Fails unless every catalog topic exists with the configured partition count. */
    public static void verify(Admin admin, TopicLayout layout) {
        Map<String, Topic<?, ?>> byName = new HashMap<>();
        Topics.ALL.forEach(topic -> byName.put(layout.name(topic), topic));
        Map<String, TopicDescription> described;
        try {
            described = admin.describeTopics(byName.keySet()).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "topics missing or Kafka unreachable (" + e.getMessage()
                            + "); create them with infra/socialink topics",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        List<String> problems = new ArrayList<>();
        described.forEach((name, description) -> {
            int expected = layout.partitions(Objects.requireNonNull(byName.get(name), name));
            if (description.partitions().size() != expected) {
                problems.add(name + " has " + description.partitions().size() + " partitions, expected " + expected);
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException("topic layout mismatch: " + String.join("; ", problems));
        }
    }

    static NewTopic newTopic(Topic<?, ?> topic, TopicLayout layout) {
        Map<String, String> configs = new HashMap<>();
        configs.put(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                topic.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
        Duration retention = topic.retention();
        if (!topic.compacted()) {
            configs.put(
                    TopicConfig.RETENTION_MS_CONFIG, retention == null ? "-1" : Long.toString(retention.toMillis()));
        }
        if (topic.maxMessageBytes() > 0) {
            configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(topic.maxMessageBytes()));
        }
        return new NewTopic(layout.name(topic), layout.partitions(topic), layout.replicationFactor()).configs(configs);
    }

    public static Admin connect(String bootstrapServers) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return Admin.create(properties);
    }

    /** {@code create} (default) or {@code verify}; Kafka and layout come from the environment. */
    public static void main(String[] args) {
        String command = args.length == 0 ? "create" : args[0];
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        TopicLayout layout = TopicLayout.fromEnv(System.getenv());
        try (Admin admin = connect(bootstrap)) {
            switch (command) {
                case "create" -> ensure(admin, layout);
                case "verify" -> verify(admin, layout);
                default -> {
                    System.err.println("usage: TopicAdmin [create|verify]");
                    System.exit(2);
                }
            }
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
        Topics.ALL.forEach(topic -> System.out.println(layout.name(topic) + " partitions=" + layout.partitions(topic)));
    }
}
