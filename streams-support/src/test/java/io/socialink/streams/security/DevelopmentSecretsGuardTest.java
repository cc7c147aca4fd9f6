package io.socialink.streams.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class DevelopmentSecretsGuardTest {

    private final DevelopmentSecretsGuard guard = new DevelopmentSecretsGuard();

    private static StandardEnvironment environment(Map<String, Object> properties, String... profiles) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", new HashMap<>(properties)));
        environment.setActiveProfiles(profiles);
        return environment;
    }

    @Test
    void shouldRefuseAnUnsetOrDevelopmentSecretOutsideTheLocalProfile() {
        assertThatThrownBy(() -> guard.postProcessEnvironment(environment(Map.of()), new SpringApplication()))
                .isInstanceOf(InsecureConfigurationException.class)
                .hasMessageContaining("SOCIALINK_INTERNAL_SECRET");
        assertThatThrownBy(() -> guard.postProcessEnvironment(
                        environment(Map.of("socialink.internal.secret", InternalProperties.DEVELOPMENT_SECRET)),
                        new SpringApplication()))
                .isInstanceOf(InsecureConfigurationException.class);
    }

    @Test
    void shouldAcceptTheDevelopmentSecretUnderTheLocalProfileAndARealOneAnywhere() {
        assertThatCode(() -> guard.postProcessEnvironment(environment(Map.of(), "local"), new SpringApplication()))
                .doesNotThrowAnyException();
        assertThatCode(() -> guard.postProcessEnvironment(
                        environment(Map.of("socialink.internal.secret", "a-deployment-secret-of-at-least-32-bytes")),
                        new SpringApplication()))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldNeverShowTheSecretInText() {
        assertThat(new InternalProperties(new Secret("super-secret-value-0123456789abcdef")).toString())
                .doesNotContain("super-secret");
    }
}
