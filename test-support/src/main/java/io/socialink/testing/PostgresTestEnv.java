package io.socialink.testing;

import java.util.Map;

/** A fresh PostgreSQL database on the local server, one per test class, dropped after it. */
public record PostgresTestEnv(String host, int port, String user, String database) {

    /** In the form the apps read from {@code DATABASE_URL}: {@code postgresql://user@host:port/db}. */
    public String databaseUrl() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public Map<String, Object> springProperties() {
        return Map.of("socialink.database.url", databaseUrl());
    }
}
