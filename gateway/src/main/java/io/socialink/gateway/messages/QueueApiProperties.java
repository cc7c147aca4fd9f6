package io.socialink.gateway.messages;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the queue API reads device queues ({@code socialink.gateway.*}).
 *
 * @param deliveryWorkerUrl  base URL of a delivery-worker's internal port (env {@code DELIVERY_WORKER_URL}); it
 *                           serves {@code /actuator/queues/{address}} from its Kafka Streams state
 * @param deliveryWorkerTimeout how long the gateway waits for it before answering 503
 */
@Validated
@ConfigurationProperties("socialink.gateway")
public record QueueApiProperties(
        @DefaultValue("http://localhost:9081") @NotNull URI deliveryWorkerUrl,
        @DefaultValue("5s") @NotNull Duration deliveryWorkerTimeout) {}
