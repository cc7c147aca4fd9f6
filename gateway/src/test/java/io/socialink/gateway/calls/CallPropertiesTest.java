package io.socialink.gateway.calls;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.config.DevelopmentSecretsGuard;
import io.socialink.gateway.config.GatewayEnvironmentPostProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

/** The call settings as a deployment gives them: environment variables through gateway-environment.yml. */
class CallPropertiesTest {

    private static CallProperties bind(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment
                .getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        new GatewayEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
        return Binder.get(environment).bindOrCreate("socialink.gateway.calls", CallProperties.class);
    }

    @Test
    void shouldDefaultToTheContractsTimesAndNoTurn() {
        // when
        CallProperties calls = bind(Map.of());

        // then
        assertThat(calls.replyTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(calls.ringTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(calls.historyEnabled()).isTrue();
        assertThat(calls.turn().secret().isEmpty()).isTrue();
        assertThat(calls.turn().uris()).isEmpty();
        assertThat(calls.turn().ttl()).isEqualTo(Duration.ofSeconds(86_400));
        assertThat(new TurnCredentials(calls.turn(), java.time.Clock.systemUTC()).available())
                .isFalse();
    }

    @Test
    void shouldReadTheDocumentedEnvironmentVariables() {
        // when
        CallProperties calls = bind(Map.of(
                "SOCIALINK_CALLS_RINGTIMEOUT", "30s",
                "SOCIALINK_GATEWAY_CALLS_REPLY_TIMEOUT", "4s",
                "SOCIALINK_CALLS_TURN_SECRET", "a-turn-secret",
                "SOCIALINK_CALLS_TURN_URIS", "turn:a.example:3478, turns:b.example:5349",
                "SOCIALINK_CALLS_TURN_TTL", "600"));

        // then
        assertThat(calls.ringTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(calls.replyTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(calls.turn().secret().reveal()).isEqualTo("a-turn-secret");
        assertThat(calls.turn().uris()).containsExactly("turn:a.example:3478", "turns:b.example:5349");
        assertThat(calls.turn().ttl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(bind(Map.of("SOCIALINK_CALLS_TURN_TTL", "12h")).turn().ttl()).isEqualTo(Duration.ofHours(12));
    }

    @Test
    void shouldRefuseOutOfRangeTimes() {
        assertThat(new CallProperties(Duration.ZERO, Duration.ofSeconds(45), true, null).isReplyTimeoutPositive())
                .isFalse();
        assertThat(new CallProperties(null, Duration.ofMinutes(6), true, null).isRingTimeoutInRange())
                .isFalse();
        assertThat(new CallProperties(null, null, true, null).isRingTimeoutInRange())
                .isTrue();
    }

    @Test
    void shouldGiveTheLocalProfileTheDevelopmentTurnSecretTheGuardKnows() throws Exception {
        // when
        List<PropertySource<?>> local = new YamlPropertySourceLoader()
                .load("application-local", new ClassPathResource("application-local.yml"));
        Object secret = local.get(0).getProperty("socialink.gateway.calls.turn.secret");
        Object uris = local.get(0).getProperty("socialink.gateway.calls.turn.uris");

        // then: placeholders, so the environment variables still win under the local profile
        assertThat(String.valueOf(secret))
                .isEqualTo("${SOCIALINK_CALLS_TURN_SECRET:" + DevelopmentSecretsGuard.DEVELOPMENT_TURN_SECRET + "}");
        assertThat(String.valueOf(uris)).isEqualTo("${SOCIALINK_CALLS_TURN_URIS:turn:127.0.0.1:3478}");
    }
}
