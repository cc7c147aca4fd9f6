package io.socialink.client.e2e;

import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link LocalSystem#withGroups system with groups} for every test class of this JVM that only uses it: classes
 * that kill, restart or reconfigure an app make a system of their own. It starts on first use, on topics, a
 * database and Redis of its own, and stops after the last class, since starting three apps costs more than most
 * such classes' tests. Classes sharing it keep apart by unique user ids, as they do in Redis; they must not count
 * what the system holds as a whole. Resolves parameters of type {@link LocalSystem}, {@link KafkaTestEnv},
 * {@link PostgresTestEnv} and {@link RedisTestEnv} (the shared system's).
 */
public final class SharedLocalSystem implements ParameterResolver {

    private record Shared(LocalSystem system, KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis)
            implements AutoCloseable {

        static Shared start() throws Exception {
            KafkaTestEnv kafka = LocalKafka.createTopics();
            PostgresTestEnv postgres = LocalPostgres.createDatabase();
            RedisTestEnv redis = LocalRedis.connect();
            LocalSystem system = LocalSystem.withGroups(kafka, postgres, redis, Map.of());
            return new Shared(system.start(), kafka, postgres, redis);
        }

        @Override
        public void close() throws Exception {
            try {
                system.close();
            } finally {
                LocalKafka.deleteTopics(kafka);
                LocalPostgres.dropDatabase(postgres);
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == LocalSystem.class
                || type == KafkaTestEnv.class
                || type == PostgresTestEnv.class
                || type == RedisTestEnv.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Shared shared = shared(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == LocalSystem.class) {
            return shared.system();
        }
        if (type == KafkaTestEnv.class) {
            return shared.kafka();
        }
        if (type == PostgresTestEnv.class) {
            return shared.postgres();
        }
        return shared.redis();
    }

    /** Kept in the root store, which JUnit closes after the last test class of the run. */
    private static Shared shared(ExtensionContext context) {
        return context.getRoot()
                .getStore(ExtensionContext.Namespace.create(SharedLocalSystem.class))
                .getOrComputeIfAbsent(
                        Shared.class,
                        key -> {
                            try {
                                return Shared.start();
                            } catch (Exception e) {
                                throw new IllegalStateException("the shared local system did not start", e);
                            }
                        },
                        Shared.class);
    }
}
