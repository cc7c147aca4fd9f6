package io.socialink.gateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A parsed {@code DATABASE_URL} of the form {@code postgresql://user[:password]@host[:port]/database}, rendered as
 * the R2DBC URL the app uses and the JDBC URL Flyway migrates with. User and password may be percent-encoded.
 */
public record DatabaseUrl(String user, Secret password, String host, int port, String database) {

    public static final int DEFAULT_PORT = 5432;

    public static DatabaseUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("database url is empty");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "database url is not a URI (expected " + "postgresql://user[:password]@host[:port]/database)");
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException("database url must start with postgresql://");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("database url has no host");
        }
        String rawUserInfo = uri.getRawUserInfo();
        if (rawUserInfo == null || rawUserInfo.isEmpty()) {
            throw new IllegalArgumentException("database url has no user");
        }
        int colon = rawUserInfo.indexOf(':');
        String user = decode(colon < 0 ? rawUserInfo : rawUserInfo.substring(0, colon));
        String password = colon < 0 ? "" : decode(rawUserInfo.substring(colon + 1));
        if (user.isEmpty()) {
            throw new IllegalArgumentException("database url has no user");
        }
        String path = uri.getRawPath();
        String database = path == null || path.length() <= 1 ? "" : decode(path.substring(1));
        if (database.isEmpty() || database.contains("/")) {
            throw new IllegalArgumentException("database url must name exactly one database");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("database url must not have query parameters");
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        return new DatabaseUrl(user, new Secret(password), host, port, database);
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    public String r2dbcUrl() {
        return "r2dbc:postgresql://" + hostAndPort() + "/" + database;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + hostAndPort() + "/" + database;
    }

    private String hostAndPort() {
        String shownHost = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return shownHost + ":" + port;
    }

    /** The URL without its password, for logs. */
    @Override
    public String toString() {
        return "postgresql://" + user + "@" + hostAndPort() + "/" + database;
    }
}
