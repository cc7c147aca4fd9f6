package io.socialink.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class a fresh database on the real local PostgreSQL ({@code PGHOST}/{@code PGPORT}/{@code PGUSER},
 * default postgres@127.0.0.1:5432, trust auth), dropped after the class.
 */
public final class LocalPostgres extends ClassScopedResource<PostgresTestEnv> {

    public LocalPostgres() {
        super(PostgresTestEnv.class);
    }

    @Override
    PostgresTestEnv open(ExtensionContext context) throws SQLException {
        return createDatabase();
    }

    @Override
    void close(PostgresTestEnv env) throws SQLException {
        dropDatabase(env);
    }

    /** A fresh database: what a test class gets, for a resource that outlives one. */
    public static PostgresTestEnv createDatabase() throws SQLException {
        String host = System.getenv().getOrDefault("PGHOST", "127.0.0.1");
        int port = Integer.parseInt(System.getenv().getOrDefault("PGPORT", "5432"));
        String user = System.getenv().getOrDefault("PGUSER", "postgres");
        PostgresTestEnv env = new PostgresTestEnv(
                host,
                port,
                user,
                "socialink_test_"
                        + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        try (Connection admin = adminConnection(env);
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + env.database());
        }
        return env;
    }

    public static void dropDatabase(PostgresTestEnv env) throws SQLException {
        try (Connection admin = adminConnection(env);
                Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + env.database() + " WITH (FORCE)");
        }
    }

    private static Connection adminConnection(PostgresTestEnv env) {
        String url = "jdbc:postgresql://" + env.host() + ":" + env.port() + "/postgres";
        try {
            return DriverManager.getConnection(url, env.user(), "");
        } catch (SQLException e) {
            throw new ExtensionConfigurationException(
                    "PostgreSQL does not answer at " + env.host() + ":" + env.port()
                            + "; start it with: infra/socialink deps",
                    e);
        }
    }
}
