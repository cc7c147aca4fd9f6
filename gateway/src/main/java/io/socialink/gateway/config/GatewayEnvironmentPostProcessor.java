package io.socialink.gateway.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * Adds the deployment settings read from environment variables ({@code gateway-environment.yml}: KAFKA_BOOTSTRAP_SERVERS,
 * DATABASE_URL, REDIS_URL, GATEWAY_NODE_ID, PLATFORM_*, SOCIALINK_*) and derives the R2DBC and Flyway connection
 * settings from {@code socialink.database.url}.
 *
 * <p>Both sources go last, behind Spring's default properties, so that properties given programmatically
 * ({@code SpringApplicationBuilder.properties}, as the integration tests do) override the environment's values
 * rather than being shadowed by them. Explicit {@code spring.r2dbc.*} or {@code spring.flyway.*} settings win over
 * the derived ones.
 */
public class GatewayEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String ENVIRONMENT_SOURCE = "socialinkEnvironment";
    static final String DATABASE_SOURCE = "socialinkDatabase";
    public static final String DATABASE_URL_PROPERTY = "socialink.database.url";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getPropertySources().contains(ENVIRONMENT_SOURCE)) {
            environment.getPropertySources().addLast(loadEnvironmentDefaults());
        }
        String url = environment.getProperty(DATABASE_URL_PROPERTY);
        if (url != null && !environment.getPropertySources().contains(DATABASE_SOURCE)) {
            environment.getPropertySources().addLast(new MapPropertySource(DATABASE_SOURCE,
                    databaseProperties(DatabaseUrl.parse(url))));
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

    private static PropertySource<?> loadEnvironmentDefaults() {
        try {
            List<PropertySource<?>> loaded = new YamlPropertySourceLoader()
                    .load(ENVIRONMENT_SOURCE, new ClassPathResource("gateway-environment.yml"));
            return loaded.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read gateway-environment.yml", e);
        }
    }
}
