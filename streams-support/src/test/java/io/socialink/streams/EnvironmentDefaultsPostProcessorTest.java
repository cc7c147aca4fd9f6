package io.socialink.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class EnvironmentDefaultsPostProcessorTest {

    private final EnvironmentDefaultsPostProcessor processor = new TestApp("streams-support-test-environment.yml");

    @Test
    void shouldAddTheFileAsDefaults() {
        // given
        StandardEnvironment environment = environment(Map.of());

        // when
        processor.postProcessEnvironment(environment, new SpringApplication());

        // then
        assertThat(environment.getProperty("server.port")).isEqualTo("8089");
        assertThat(environment.getProperty("socialink.kafka.bootstrap-servers")).isEqualTo("localhost:9092");
        assertThat(environment.getPropertySources().stream().map(source -> source.getName()))
                .last()
                .isEqualTo(DefaultPropertiesPropertySource.NAME);
    }

    @Test
    void shouldResolveThePlaceholdersAgainstTheEnvironment() {
        // given
        StandardEnvironment environment = environment(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"));

        // when
        processor.postProcessEnvironment(environment, new SpringApplication());

        // then
        assertThat(environment.getProperty("socialink.kafka.bootstrap-servers")).isEqualTo("kafka:9092");
    }

    @Test
    void shouldYieldToEveryOtherSource() {
        // given
        StandardEnvironment environment = environment(Map.of("SERVER_PORT", "9000"));
        environment
                .getPropertySources()
                .addFirst(new MapPropertySource(
                        "programmatic", Map.of("socialink.kafka.bootstrap-servers", "other:9092")));

        // when
        processor.postProcessEnvironment(environment, new SpringApplication());

        // then
        assertThat(environment.getProperty("server.port")).isEqualTo("9000");
        assertThat(environment.getProperty("socialink.kafka.bootstrap-servers")).isEqualTo("other:9092");
    }

    @Test
    void shouldKeepDefaultPropertiesGivenProgrammatically() {
        // given
        StandardEnvironment environment = environment(Map.of());
        environment.getPropertySources().addLast(new DefaultPropertiesPropertySource(Map.of("server.port", "0")));

        // when
        processor.postProcessEnvironment(environment, new SpringApplication());

        // then
        assertThat(environment.getProperty("server.port")).isEqualTo("0");
        assertThat(environment.getProperty("socialink.kafka.bootstrap-servers")).isEqualTo("localhost:9092");
    }

    @Test
    void shouldFailNamingAMissingFile() {
        // given
        EnvironmentDefaultsPostProcessor missing = new TestApp("no-such-environment.yml");

        // when, then
        assertThatThrownBy(() -> missing.postProcessEnvironment(environment(Map.of()), new SpringApplication()))
                .hasMessageContaining("no-such-environment.yml");
    }

    private static StandardEnvironment environment(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        return environment;
    }

    private static final class TestApp extends EnvironmentDefaultsPostProcessor {

        TestApp(String resource) {
            super(resource);
        }
    }
}
