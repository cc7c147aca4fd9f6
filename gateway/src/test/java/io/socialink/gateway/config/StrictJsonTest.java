package io.socialink.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.gateway.groups.GroupRequestBodies;
import io.socialink.gateway.messages.SendRequest;
import io.socialink.gateway.settings.SettingsController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Every JSON scalar must have its declared type: no coercion from strings, numbers, booleans or blanks. */
class StrictJsonTest {

    private static final String MESSAGE =
            "{\"userId\":\"bob\",\"deviceId\":1,\"registrationId\":2,\"type\":3,\"content\":\"AQ==\"}";

    private final JsonMapper json = strictMapper();

    static JsonMapper strictMapper() {
        JsonMapper.Builder builder = JsonMapper.builder();
        new GatewayConfig().strictJsonReading().customize(builder);
        return builder.build();
    }

    private static String send(String expiresInSeconds) {
        return "{\"destination\":\"bob\",\"idempotencyKey\":\"k\",\"messages\":[" + MESSAGE + "],\"expiresInSeconds\":"
                + expiresInSeconds + "}";
    }

    @Test
    void shouldReadWellTypedBodies() {
        // when
        SendRequest request = json.readValue(send("60"), SendRequest.class);
        SendRequest noTimer = json.readValue(send("null"), SendRequest.class);

        // then
        assertThat(request.expiresInSeconds()).isEqualTo(60L);
        assertThat(request.messages().get(0).deviceId()).isEqualTo(1);
        assertThat(noTimer.expiresInSeconds()).isNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"\" \"", "\"\\u0000\"", "\"\"", "\"60\"", "60.5", "60.0", "true", "\"1e3\"", "[]", "{}", "[60]"})
    void shouldRejectATimerThatIsNotAnInteger(String value) {
        assertThatThrownBy(() -> json.readValue(send(value), SendRequest.class))
                .as(value)
                .isInstanceOf(JacksonException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"destination\":42,\"idempotencyKey\":\"k\",\"messages\":[]}",
                "{\"destination\":true,\"idempotencyKey\":\"k\",\"messages\":[]}",
                "{\"destination\":\"bob\",\"idempotencyKey\":1.5,\"messages\":[]}",
                "{\"destination\":\"bob\",\"idempotencyKey\":\"k\",\"messages\":\"\"}",
                "{\"destination\":\"bob\",\"idempotencyKey\":\"k\",\"messages\":[\"\"]}",
                "{\"destination\":\"bob\",\"idempotencyKey\":\"k\",\"messages\":[{\"deviceId\":\"1\"}]}",
                "{\"destination\":\"bob\",\"idempotencyKey\":\"k\",\"messages\":[{\"deviceId\":\" \"}]}",
                "{\"destination\":\"bob\",\"idempotencyKey\":\"k\",\"messages\":[{\"deviceId\":1.0}]}",
                "{\"destination\":\"bob\",\"idempotencyKey\":\"k\",\"messages\":[{\"deviceId\":true}]}",
                "{\"destination\":\"bob\",\"idempotencyKey\":\"k\",\"messages\":[{\"type\":\"\\u0000\"}]}",
                "{\"destination\":\"bob\",\"idempotencyKey\":\"k\",\"messages\":[{\"content\":3}]}"
            })
    void shouldRejectSendScalarsOfAnotherType(String body) {
        assertThatThrownBy(() -> json.readValue(body, SendRequest.class))
                .as(body)
                .isInstanceOf(JacksonException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"readReceipts\":\"true\"}",
                "{\"readReceipts\":1}",
                "{\"readReceipts\":\"\"}",
                "{\"readReceipts\":\" \"}",
                "{\"readReceipts\":0.0}"
            })
    void shouldRejectBooleansOfAnotherType(String body) {
        assertThatThrownBy(() -> json.readValue(body, SettingsController.SettingsBody.class))
                .as(body)
                .isInstanceOf(JacksonException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"message\":\"AQ==\",\"idempotencyKey\":\"k\",\"expiresAt\":\" \"}",
                "{\"message\":\"AQ==\",\"idempotencyKey\":\"k\",\"expiresAt\":\"123\"}",
                "{\"message\":\"AQ==\",\"idempotencyKey\":7,\"expiresAt\":123}",
                "{\"message\":false,\"idempotencyKey\":\"k\"}"
            })
    void shouldRejectGroupSendScalarsOfAnotherType(String body) {
        assertThatThrownBy(() -> json.readValue(body, GroupRequestBodies.Send.class))
                .as(body)
                .isInstanceOf(JacksonException.class);
    }
}
