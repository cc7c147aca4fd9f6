package io.socialink.presence.config;

import io.socialink.streams.EnvironmentDefaultsPostProcessor;

/**
 * Adds the deployment defaults of {@code presence-service-environment.yml} (server port, Kafka, Redis, state directory,
 * ...) to Spring's default properties, the lowest precedence (see
 * {@link EnvironmentDefaultsPostProcessor}). Registered in {@code META-INF/spring.factories}.
 */
public class PresenceEnvironmentPostProcessor extends EnvironmentDefaultsPostProcessor {

    public PresenceEnvironmentPostProcessor() {
        super("presence-service-environment.yml");
    }
}
