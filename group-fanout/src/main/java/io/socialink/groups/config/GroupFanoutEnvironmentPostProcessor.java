package io.socialink.groups.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * Adds the deployment defaults of {@code group-fanout-environment.yml} (server port, Kafka, state directory,
 * {@code SOCIALINK_GROUPS_MAX_MEMBERS}, ...) to Spring's default properties, keeping any default property set
 * already. In {@code application.yml} they would shadow properties given programmatically
 * ({@code SpringApplicationBuilder.properties}, as tests do); as defaults, everything else overrides them.
 */
public class GroupFanoutEnvironmentPostProcessor implements EnvironmentPostProcessor {

    private static final String RESOURCE = "group-fanout-environment.yml";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> merged = loadDefaults();
        PropertySource<?> existing = environment.getPropertySources().get(DefaultPropertiesPropertySource.NAME);
        if (existing instanceof EnumerablePropertySource<?> enumerable) {
            for (String name : enumerable.getPropertyNames()) {
                merged.put(name, enumerable.getProperty(name));
            }
        }
        DefaultPropertiesPropertySource replacement = new DefaultPropertiesPropertySource(merged);
        if (existing != null) {
            environment.getPropertySources().replace(DefaultPropertiesPropertySource.NAME, replacement);
        } else {
            environment.getPropertySources().addLast(replacement);
        }
    }

    private static Map<String, Object> loadDefaults() {
        try {
            Map<String, Object> defaults = new LinkedHashMap<>();
            for (PropertySource<?> source : new YamlPropertySourceLoader()
                    .load(RESOURCE, new ClassPathResource(RESOURCE))) {
                EnumerablePropertySource<?> enumerable = (EnumerablePropertySource<?>) source;
                for (String name : enumerable.getPropertyNames()) {
                    defaults.putIfAbsent(name, String.valueOf(enumerable.getProperty(name)));
                }
            }
            return defaults;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
