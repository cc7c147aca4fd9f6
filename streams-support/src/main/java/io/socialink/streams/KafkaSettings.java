package io.socialink.streams;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** The Kafka cluster ({@code socialink.kafka.*}; {@code KAFKA_BOOTSTRAP_SERVERS} in the environment). */
@Validated
@ConfigurationProperties("socialink.kafka")
public record KafkaSettings(
        @DefaultValue("localhost:9092") @NotBlank String bootstrapServers) {}
