package io.socialink.delivery.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The delivery-worker's defaults file; how defaults are added is EnvironmentDefaultsPostProcessorTest's. */
class DeliveryEnvironmentPostProcessorTest {

    private final DeliveryEnvironmentPostProcessor processor = new DeliveryEnvironmentPostProcessor();

    @Test
    void shouldDefaultEverySettingForALocalRun() {
        // given
        StandardEnvironment environment = environment(Map.of());

        // when
        processor.postProcessEnvironment(environment, new SpringApplication());

        // then
        DeliverySettings settings = settings(environment);
        assertThat(environment.getProperty("server.port")).isEqualTo("8081");
        assertThat(environment.getProperty("socialink.kafka.bootstrap-servers")).isEqualTo("localhost:9092");
        assertThat(settings.applicationId()).isEqualTo("delivery-worker");
        assertThat(settings.stateDir()).endsWith("socialink-delivery-worker");
        assertThat(settings.inFlight()).isEqualTo(64);
        assertThat(settings.queueTtl()).isEqualTo(Duration.ofDays(30));
        assertThat(settings.routeTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(settings.maxQueueLength()).isEqualTo(10_000);
    }

    @Test
    void shouldReadTheDocumentedEnvironmentVariables() {
        // given
        StandardEnvironment environment = environment(Map.of(
                "SOCIALINK_QUEUE_TTL",
                "7",
                "SOCIALINK_HEARTBEAT_SECONDS",
                "5",
                "SOCIALINK_DELIVERY_IN_FLIGHT",
                "16",
                "KAFKA_BOOTSTRAP_SERVERS",
                "kafka:9092"));

        // when
        processor.postProcessEnvironment(environment, new SpringApplication());

        // then
        DeliverySettings settings = settings(environment);
        assertThat(settings.queueTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.inFlight()).isEqualTo(16);
        assertThat(environment.getProperty("socialink.kafka.bootstrap-servers")).isEqualTo("kafka:9092");
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

    private static DeliverySettings settings(StandardEnvironment environment) {
        return Binder.get(environment).bindOrCreate("socialink.delivery", DeliverySettings.class);
    }
}
