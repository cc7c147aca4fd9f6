package io.socialink.calls.config;

import io.socialink.streams.EnvironmentDefaultsPostProcessor;

/**
 * Adds the deployment defaults of {@code call-signaling-environment.yml} (server port, Kafka, state directory,
 * {@code SOCIALINK_CALLS_RINGTIMEOUT}) to Spring's default properties, the lowest precedence (see
 * {@link EnvironmentDefaultsPostProcessor}). Registered in {@code META-INF/spring.factories}.
 */
public class CallSignalingEnvironmentPostProcessor extends EnvironmentDefaultsPostProcessor {

    public CallSignalingEnvironmentPostProcessor() {
        super("call-signaling-environment.yml");
    }
}
