package io.socialink.delivery.config;

import io.socialink.streams.EnvironmentDefaultsPostProcessor;

/**
 * Adds the deployment defaults of {@code delivery-worker-environment.yml} (server port, Kafka, state directory,
 * {@code SOCIALINK_QUEUE_TTL}, {@code SOCIALINK_HEARTBEAT_SECONDS}) to Spring's default properties, the lowest
 * precedence (see {@link EnvironmentDefaultsPostProcessor}). Registered in {@code META-INF/spring.factories}.
 */
public class DeliveryEnvironmentPostProcessor extends EnvironmentDefaultsPostProcessor {

    public DeliveryEnvironmentPostProcessor() {
        super("delivery-worker-environment.yml");
    }
}
