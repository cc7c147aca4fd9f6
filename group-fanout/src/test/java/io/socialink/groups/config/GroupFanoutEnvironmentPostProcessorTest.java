package io.socialink.groups.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.streams.TopicsProperties;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** group-fanout's defaults file; how defaults are added is EnvironmentDefaultsPostProcessorTest's. */
class GroupFanoutEnvironmentPostProcessorTest {

    private final GroupFanoutEnvironmentPostProcessor processor = new GroupFanoutEnvironmentPostProcessor();

    @Test
    void shouldDefaultEverySettingForALocalRun() {
        // given
        StandardEnvironment environment = environment(Map.of());

        // when
        processor.postProcessEnvironment(environment, new SpringApplication());

        // then
        GroupSettings settings = settings(environment);
        assertThat(environment.getProperty("server.port")).isEqualTo("8082");
        assertThat(environment.getProperty("socialink.kafka.bootstrap-servers")).isEqualTo("localhost:9092");
        assertThat(settings.applicationId()).isEqualTo("socialink-group-fanout");
        assertThat(settings.streamsApplicationId("")).isEqualTo("socialink-group-fanout");
        assertThat(settings.streamsApplicationId("staging.")).isEqualTo("staging.socialink-group-fanout");
        assertThat(settings.stateDir()).endsWith("socialink-group-fanout");
        assertThat(settings.maxMembers()).isEqualTo(1500);
        assertThat(settings.commitInterval()).isEqualTo(Duration.ofMillis(25));
        assertThat(settings.streamThreads()).isEqualTo(1);
    }

    @Test
    void shouldReadTheDocumentedEnvironmentVariables() {
        // given
        StandardEnvironment environment = environment(Map.of(
                "SOCIALINK_GROUPS_MAX_MEMBERS",
                "100",
                "SOCIALINK_GROUPS_COMMIT_INTERVAL",
                "10",
                "SOCIALINK_GROUPS_STREAM_THREADS",
                "2",
                "SOCIALINK_GROUPS_STATE_DIR",
                "/var/lib/group-fanout",
                "KAFKA_BOOTSTRAP_SERVERS",
                "kafka:9092",
                "SOCIALINK_TOPICS_GROUP_PARTITIONS",
                "24",
                "SERVER_PORT",
                "9000"));

        // when
        processor.postProcessEnvironment(environment, new SpringApplication());

        // then
        GroupSettings settings = settings(environment);
        assertThat(settings.maxMembers()).isEqualTo(100);
        assertThat(settings.commitInterval()).isEqualTo(Duration.ofMillis(10));
        assertThat(settings.streamThreads()).isEqualTo(2);
        assertThat(settings.stateDir()).isEqualTo("/var/lib/group-fanout");
        assertThat(environment.getProperty("socialink.kafka.bootstrap-servers")).isEqualTo("kafka:9092");
        assertThat(Binder.get(environment)
                        .bindOrCreate("socialink.topics", TopicsProperties.class)
                        .toLayout()
                        .groupPartitions())
                .isEqualTo(24);
        assertThat(environment.getProperty("server.port")).isEqualTo("9000");
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

    private static GroupSettings settings(StandardEnvironment environment) {
        return Binder.get(environment).bindOrCreate("socialink.groups", GroupSettings.class);
    }
}
