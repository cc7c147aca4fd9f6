package io.socialink.gateway.config;

import io.socialink.gateway.node.NodeIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * Adds the deployment settings read from environment variables ({@code gateway-environment.yml}:
 * KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL, REDIS_URL, GATEWAY_NODE_ID, PLATFORM_*, SOCIALINK_*) and derives the R2DBC
 * and Flyway connection settings from {@code socialink.database.url}; a node id of {@code auto} is leased in Redis
 * ({@link NodeIds}).
 *
 * <p>Both go into Spring's default properties, the lowest precedence, and never replace a default property that is
 * already set: properties given programmatically ({@code SpringApplicationBuilder.properties}, as integration tests
 * do) override the environment's values instead of being shadowed by them, and explicit {@code spring.r2dbc.*} or
 * {@code spring.flyway.*} settings anywhere win over the derived ones.
 */
public class GatewayEnvironmentPostProcessor implements EnvironmentPostProcessor {

    public static final String DATABASE_URL_PROPERTY = "socialink.database.url";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        addDefaults(environment.getPropertySources(), loadEnvironmentDefaults());
        String url = environment.getProperty(DATABASE_URL_PROPERTY);
        if (url != null) {
            addDefaults(environment.getPropertySources(), databaseProperties(DatabaseUrl.parse(url)));
        }
        // last: the lease needs the Redis URL and the topic layout from the defaults added above
        NodeIds.resolve(environment);
    }

    /** Adds {@code defaults} to the default properties, keeping every default property already there. */
    private static void addDefaults(MutablePropertySources sources, Map<String, Object> defaults) {
        Map<String, Object> merged = new LinkedHashMap<>(defaults);
        PropertySource<?> existing = sources.get(DefaultPropertiesPropertySource.NAME);
        if (existing instanceof EnumerablePropertySource<?> enumerable) {
            for (String name : enumerable.getPropertyNames()) {
                merged.put(name, enumerable.getProperty(name));
            }
        }
        DefaultPropertiesPropertySource replacement = new DefaultPropertiesPropertySource(merged);
        if (existing != null) {
            sources.replace(DefaultPropertiesPropertySource.NAME, replacement);
        } else {
            sources.addLast(replacement);
        }
    }

    static Map<String, Object> databaseProperties(DatabaseUrl database) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.r2dbc.url", database.r2dbcUrl());
        properties.put("spring.r2dbc.username", database.user());
        properties.put("spring.r2dbc.password", database.password().reveal());
        properties.put("spring.flyway.url", database.jdbcUrl());
        properties.put("spring.flyway.user", database.user());
        properties.put("spring.flyway.password", database.password().reveal());
        return properties;
    }

    private static Map<String, Object> loadEnvironmentDefaults() {
        try {
            List<PropertySource<?>> loaded = new YamlPropertySourceLoader()
                    .load("gateway-environment", new ClassPathResource("gateway-environment.yml"));
            Map<String, Object> defaults = new LinkedHashMap<>();
            for (PropertySource<?> source : loaded) {
                EnumerablePropertySource<?> enumerable = (EnumerablePropertySource<?>) source;
                for (String name : enumerable.getPropertyNames()) {
                    defaults.putIfAbsent(name, String.valueOf(enumerable.getProperty(name)));
                }
            }
            return defaults;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read gateway-environment.yml", e);
        }
    }
}
