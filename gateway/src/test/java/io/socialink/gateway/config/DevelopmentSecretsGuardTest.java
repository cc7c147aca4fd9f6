package io.socialink.gateway.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class DevelopmentSecretsGuardTest {

    private static final String REAL = "a-deployment-secret-of-at-least-32-bytes";

    private final DevelopmentSecretsGuard guard = new DevelopmentSecretsGuard();

    private static StandardEnvironment environment(Map<String, Object> properties, String... profiles) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", new HashMap<>(properties)));
        environment.setActiveProfiles(profiles);
        return environment;
    }

    @Test
    void shouldRefuseTheEnvironmentDefaultsOutsideTheLocalProfile() {
        // given
        StandardEnvironment environment = environment(Map.of());
        new GatewayEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

        // when / then
        assertThatThrownBy(() -> guard.postProcessEnvironment(environment, new SpringApplication()))
                .isInstanceOf(InsecureConfigurationException.class)
                .hasMessageContaining("PLATFORM_JWT_SECRET");
    }

    @Test
    void shouldRefuseTheDevelopmentInternalSecretWhenThePlatformSecretIsReal() {
        assertThatThrownBy(() -> guard.postProcessEnvironment(
                        environment(Map.of("socialink.platform.jwt-secret", REAL)), new SpringApplication()))
                .isInstanceOf(InsecureConfigurationException.class)
                .hasMessageContaining("SOCIALINK_INTERNAL_SECRET");
    }

    @Test
    void shouldAcceptTheDevelopmentSecretsUnderTheLocalProfile() {
        assertThatCode(() -> guard.postProcessEnvironment(environment(Map.of(), "local"), new SpringApplication()))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldAcceptRealSecretsAndIgnoreThePlatformSecretWhenJwksIsUsed() {
        assertThatCode(() -> guard.postProcessEnvironment(
                        environment(Map.of("socialink.platform.jwt-secret", REAL, "socialink.internal.secret", REAL)),
                        new SpringApplication()))
                .doesNotThrowAnyException();
        assertThatCode(() -> guard.postProcessEnvironment(
                        environment(Map.of(
                                "socialink.platform.jwks-uri",
                                "https://idp.example/jwks",
                                "socialink.internal.secret",
                                REAL)),
                        new SpringApplication()))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseTheDevelopmentTurnSecretOutsideTheLocalProfileOnly() {
        // given: real platform and internal secrets
        Map<String, Object> properties = Map.of(
                "socialink.platform.jwt-secret",
                REAL,
                "socialink.internal.secret",
                REAL,
                "socialink.gateway.calls.turn.secret",
                DevelopmentSecretsGuard.DEVELOPMENT_TURN_SECRET);

        // when / then
        assertThatThrownBy(() -> guard.postProcessEnvironment(environment(properties), new SpringApplication()))
                .isInstanceOf(InsecureConfigurationException.class)
                .hasMessageContaining("SOCIALINK_CALLS_TURN_SECRET");
        assertThatCode(() -> guard.postProcessEnvironment(environment(properties, "local"), new SpringApplication()))
                .doesNotThrowAnyException();
        assertThatCode(() -> guard.postProcessEnvironment(
                        environment(Map.of(
                                "socialink.platform.jwt-secret",
                                REAL,
                                "socialink.internal.secret",
                                REAL,
                                "socialink.gateway.calls.turn.secret",
                                "a-turn-secret-of-the-deployment")),
                        new SpringApplication()))
                .doesNotThrowAnyException();
    }
}
