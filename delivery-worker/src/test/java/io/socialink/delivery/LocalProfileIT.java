package io.socialink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/** The worker refuses the published development internal secret unless the local profile asks for it. */
@ExtendWith(LocalKafka.class)
class LocalProfileIT {

    private static final String DEVELOPMENT_SECRET = "socialink-local-internal-secret-0123456789abcdef";

    @Test
    void shouldRefuseToStartWithTheDevelopmentSecretOutsideTheLocalProfile(KafkaTestEnv kafka, @TempDir Path stateDir) {
        assertThatThrownBy(() -> InternalApiIT.start(kafka, stateDir, Map.of()))
                .hasMessageContaining("SOCIALINK_INTERNAL_SECRET")
                .hasMessageContaining("development secret");
    }

    @Test
    void shouldStartWithTheDevelopmentSecretUnderTheLocalProfile(KafkaTestEnv kafka, @TempDir Path stateDir)
            throws Exception {
        // given
        try (ConfigurableApplicationContext local =
                InternalApiIT.start(kafka, stateDir, Map.of("spring.profiles.active", "local"))) {

            // when
            HttpResponse<String> metrics = InternalApiIT.get(
                    InternalApiIT.internalPort(local),
                    "/actuator/prometheus",
                    InternalApiIT.basic("internal", DEVELOPMENT_SECRET));

            // then
            assertThat(metrics.statusCode()).isEqualTo(200);
        }
    }
}
