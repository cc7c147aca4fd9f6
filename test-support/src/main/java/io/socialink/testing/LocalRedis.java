package io.socialink.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Gives a test class the real local Redis ({@code REDIS_URL}, default redis://127.0.0.1:6379) after a PING. */
public final class LocalRedis extends ClassScopedResource<RedisTestEnv> {

    public LocalRedis() {
        super(RedisTestEnv.class);
    }

    @Override
    RedisTestEnv open(ExtensionContext context) {
        return connect();
    }

    /** The local Redis after a PING: what a test class gets, for a resource that outlives one. */
    public static RedisTestEnv connect() {
        String url = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
        RedisClient client = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().ping();
        } catch (RuntimeException e) {
            throw new ExtensionConfigurationException(
                    "Redis does not answer at " + url + "; start it with: infra/socialink deps", e);
        } finally {
            client.shutdown();
        }
        return new RedisTestEnv(url);
    }

    @Override
    void close(RedisTestEnv env) {
        // nothing to release: tests use their own keys
    }
}
