package io.socialink.groups.config;

import io.socialink.streams.EnvironmentDefaultsPostProcessor;

/**
 * Adds the deployment defaults of {@code group-fanout-environment.yml} (server port, Kafka, state directory,
 * {@code SOCIALINK_GROUPS_MAX_MEMBERS}, ...) to Spring's default properties, the lowest precedence (see
 * {@link EnvironmentDefaultsPostProcessor}). Registered in {@code META-INF/spring.factories}.
 */
public class GroupFanoutEnvironmentPostProcessor extends EnvironmentDefaultsPostProcessor {

    public GroupFanoutEnvironmentPostProcessor() {
        super("group-fanout-environment.yml");
    }
}
