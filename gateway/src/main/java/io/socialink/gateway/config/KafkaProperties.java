package io.socialink.gateway.config;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** How to reach Kafka ({@code socialink.kafka.*}). */
@Validated
@ConfigurationProperties("socialink.kafka")
public record KafkaProperties(@NotBlank String bootstrapServers) {}
