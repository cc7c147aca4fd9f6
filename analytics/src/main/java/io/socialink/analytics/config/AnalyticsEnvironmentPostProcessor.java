package io.socialink.analytics.config;

import io.socialink.streams.EnvironmentDefaultsPostProcessor;

/**
 * Adds the deployment defaults of {@code analytics-environment.yml} (server port, Kafka, state directory, ...) to
 * Spring's default properties, the lowest precedence (see {@link EnvironmentDefaultsPostProcessor}). Registered in
 * {@code META-INF/spring.factories}.
 */
public class AnalyticsEnvironmentPostProcessor extends EnvironmentDefaultsPostProcessor {

    public AnalyticsEnvironmentPostProcessor() {
        super("analytics-environment.yml");
    }
}
