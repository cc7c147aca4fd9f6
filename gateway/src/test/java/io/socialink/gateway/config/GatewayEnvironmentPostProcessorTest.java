package io.socialink.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class GatewayEnvironmentPostProcessorTest {

    @Test
    void shouldProvideLocalDefaultsAndDeriveDatabaseSettings() {
        // given
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);

        // when
        new GatewayEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

        // then
        assertThat(environment.getProperty("socialink.kafka.bootstrap-servers")).isEqualTo("localhost:9092");
        assertThat(environment.getProperty("socialink.topics.push-partitions")).isEqualTo("8");
        assertThat(environment.getProperty("socialink.gateway.node-id")).isEqualTo("0");
        assertThat(environment.getProperty("spring.data.redis.url")).isEqualTo("redis://127.0.0.1:6379");
        assertThat(environment.getProperty("spring.r2dbc.url"))
                .isEqualTo("r2dbc:postgresql://127.0.0.1:5432/socialink");
        assertThat(environment.getProperty("spring.flyway.url"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/socialink");
    }

    @Test
    void shouldLetProgrammaticDefaultPropertiesOverrideTheEnvironmentDefaults() {
        // given
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .addLast(new MapPropertySource(
                        "defaultProperties",
                        Map.of(
                                "socialink.database.url", "postgresql://postgres@127.0.0.1:5432/other",
                                "socialink.topics.prefix", "test-1.")));

        // when
        new GatewayEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

        // then
        assertThat(environment.getProperty("socialink.topics.prefix")).isEqualTo("test-1.");
        assertThat(environment.getProperty("spring.r2dbc.url")).isEqualTo("r2dbc:postgresql://127.0.0.1:5432/other");
    }
}
