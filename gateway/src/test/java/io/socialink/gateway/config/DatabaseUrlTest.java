package io.socialink.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void shouldParseTheLocalDefault() {
        // when
        DatabaseUrl url = DatabaseUrl.parse("postgresql://postgres@127.0.0.1:5432/socialink");

        // then
        assertThat(url.user()).isEqualTo("postgres");
        assertThat(url.password().isEmpty()).isTrue();
        assertThat(url.r2dbcUrl()).isEqualTo("r2dbc:postgresql://127.0.0.1:5432/socialink");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/socialink");
    }

    @Test
    void shouldDecodeThePasswordDefaultThePortAndHideThePassword() {
        // when
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:p%40ss%3Aw+rd@db.internal/messages");

        // then
        assertThat(url.user()).isEqualTo("app");
        assertThat(url.password().reveal()).isEqualTo("p@ss:w+rd");
        assertThat(url.port()).isEqualTo(5432);
        assertThat(url.toString())
                .isEqualTo("postgresql://app@db.internal:5432/messages")
                .doesNotContain("p@ss");
        assertThat(url.password().toString()).doesNotContain("p@ss");
    }

    @Test
    void shouldDeriveR2dbcAndFlywaySettings() {
        // when
        Map<String, Object> properties =
                GatewayEnvironmentPostProcessor.databaseProperties(DatabaseUrl.parse("postgresql://u:secret@h:6543/d"));

        // then
        assertThat(properties)
                .containsEntry("spring.r2dbc.url", "r2dbc:postgresql://h:6543/d")
                .containsEntry("spring.r2dbc.username", "u")
                .containsEntry("spring.r2dbc.password", "secret")
                .containsEntry("spring.flyway.url", "jdbc:postgresql://h:6543/d")
                .containsEntry("spring.flyway.user", "u")
                .containsEntry("spring.flyway.password", "secret");
    }

    @Test
    void shouldRejectUrlsItCannotUse() {
        for (String bad : new String[] {
            "",
            "mysql://u@h/d",
            "postgresql://h/d",
            "postgresql://u@h",
            "postgresql://u@h/",
            "postgresql://u@h/d?ssl=true",
            "postgresql://u@/d",
            "not a url"
        }) {
            assertThatThrownBy(() -> DatabaseUrl.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
