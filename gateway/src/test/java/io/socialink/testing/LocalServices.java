package io.socialink.testing;

/**
 * The local Kafka, PostgreSQL and Redis resources of the JUnit extensions, for test engines that do not run Jupiter
 * extensions (jqwik): the same topics under a prefix of their own, a fresh database, released by {@link #close()}.
 */
public final class LocalServices implements AutoCloseable {

    private final LocalKafka kafkaResource = new LocalKafka();
    private final LocalPostgres postgresResource = new LocalPostgres();
    private final KafkaTestEnv kafka;
    private final PostgresTestEnv postgres;
    private final RedisTestEnv redis;

    private LocalServices() throws Exception {
        // the extensions read nothing from their context
        this.kafka = kafkaResource.open(null);
        this.postgres = postgresResource.open(null);
        this.redis = new LocalRedis().open(null);
    }

    public static LocalServices open() {
        try {
            return new LocalServices();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public KafkaTestEnv kafka() {
        return kafka;
    }

    public PostgresTestEnv postgres() {
        return postgres;
    }

    public RedisTestEnv redis() {
        return redis;
    }

    @Override
    public void close() throws Exception {
        try {
            kafkaResource.close(kafka);
        } finally {
            postgresResource.close(postgres);
        }
    }
}
