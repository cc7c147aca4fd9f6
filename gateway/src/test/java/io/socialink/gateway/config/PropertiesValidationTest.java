package io.socialink.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.gateway.kafka.KafkaConfig;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PropertiesValidationTest {

    private final Validator validator =
            Validation.buildDefaultValidatorFactory().getValidator();

    @Test
    void shouldRequireAPlatformSecretOfAtLeast32BytesUnlessJwksIsUsed() {
        assertThat(validator.validate(new PlatformProperties(new Secret("too-short"), null)))
                .hasSize(1);
        assertThat(validator.validate(new PlatformProperties(new Secret("x".repeat(32)), null)))
                .isEmpty();
        assertThat(validator.validate(new PlatformProperties(new Secret(""), "https://idp.example/jwks")))
                .isEmpty();
    }

    @Test
    void shouldNeverShowASecretInText() {
        // given
        PlatformProperties properties = new PlatformProperties(new Secret("super-secret-value-0123456789abcdef"), null);

        // then
        assertThat(properties.toString()).doesNotContain("super-secret");
    }

    @Test
    void shouldRejectOutOfRangeGatewaySettings() {
        assertThat(validator.validate(
                        new GatewayProperties(-1, 10, Duration.ofSeconds(30), Duration.ofSeconds(2), 256, 0)))
                .hasSize(1);
        assertThat(validator.validate(
                        new GatewayProperties(0, 0, Duration.ofSeconds(30), Duration.ofSeconds(2), 256, 0)))
                .hasSize(1);
        assertThat(validator.validate(
                        new GatewayProperties(0, 10, Duration.ofSeconds(30), Duration.ofSeconds(2), 256, -1)))
                .hasSize(1);
        assertThat(validator.validate(
                        new GatewayProperties(0, 10, Duration.ofSeconds(30), Duration.ofSeconds(2), 256, 0)))
                .isEmpty();
    }

    @Test
    void shouldRefuseANodeIdWithoutAPushPartitionBeforeContactingKafka() {
        // given
        TopicsProperties topics = new TopicsProperties("", 12, 8, 6, 6, 1);
        GatewayProperties gateway = new GatewayProperties(8, 10, Duration.ofSeconds(30), Duration.ofSeconds(2), 256, 0);

        // then
        assertThatThrownBy(() -> new KafkaConfig().topicLayout(topics, gateway, new KafkaProperties("unused:1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("node-id 8");
    }
}
