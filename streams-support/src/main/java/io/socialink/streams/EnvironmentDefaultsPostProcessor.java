package io.socialink.streams;

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
 * Adds the deployment defaults of an app's {@code <app>-environment.yml} (a classpath resource) to Spring's
 * default properties, keeping any default property set already. In {@code application.yml} they would shadow
 * properties given programmatically ({@code SpringApplicationBuilder.properties}, as tests do); as defaults,
 * everything else overrides them.
 *
 * <p>Each app registers a subclass naming its file under {@code org.springframework.boot.EnvironmentPostProcessor}
 * in its {@code META-INF/spring.factories}: registration is per app, so this library registers nothing itself.
 */
public abstract class EnvironmentDefaultsPostProcessor implements EnvironmentPostProcessor {

    private final String resource;

    /** @param resource the app's defaults file on the classpath, e.g. {@code delivery-worker-environment.yml} */
    protected EnvironmentDefaultsPostProcessor(String resource) {
        this.resource = resource;
    }

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

    private Map<String, Object> loadDefaults() {
        try {
            Map<String, Object> defaults = new LinkedHashMap<>();
            for (PropertySource<?> source :
                    new YamlPropertySourceLoader().load(resource, new ClassPathResource(resource))) {
                EnumerablePropertySource<?> enumerable = (EnumerablePropertySource<?>) source;
                for (String name : enumerable.getPropertyNames()) {
                    defaults.putIfAbsent(name, String.valueOf(enumerable.getProperty(name)));
                }
            }
            return defaults;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
