package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Request bodies are read by the strict JSON mapper: a scalar of another JSON type is a 400 and nothing happens. */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class StrictJsonIT {

    private static GatewayApp app;
    private static KafkaTestEnv kafka;

    @BeforeAll
    static void start(KafkaTestEnv kafkaEnv, PostgresTestEnv postgres, RedisTestEnv redis) {
        kafka = kafkaEnv;
        app = GatewayApp.start(kafkaEnv, postgres, redis, Map.of());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static String send(Device to, String key, String expiresInSeconds, String deviceId) {
        return "{\"destination\":\"" + to.userId() + "\",\"idempotencyKey\":\"" + key
                + "\",\"messages\":[{\"userId\":\""
                + to.userId() + "\",\"deviceId\":" + deviceId + ",\"registrationId\":" + to.registrationId()
                + ",\"type\":3,\"content\":\"AQ==\"}],\"expiresInSeconds\":" + expiresInSeconds + "}";
    }

    @Test
    void shouldRejectScalarsOfAnotherJsonTypeWithoutSendingAnything() {
        // given
        Device alice = app.register(GatewayApp.unique("alice"), 11);
        Device bob = app.register(GatewayApp.unique("bob"), 22);
        List<String> bodies = List.of(
                send(bob, "k1", "\" \"", "1"),
                send(bob, "k2", "\"\\u0000\"", "1"),
                send(bob, "k3", "\"\"", "1"),
                send(bob, "k4", "\"60\"", "1"),
                send(bob, "k5", "60.5", "1"),
                send(bob, "k6", "true", "1"),
                send(bob, "k7", "60", "\"1\""),
                send(bob, "k8", "60", "1.0"),
                send(bob, "k9", "60", "true"),
                send(bob, "k10", "60", "null"),
                send(bob, "k11", "60", "\" \"").replace("\"k11\"", "11"));

        for (String body : bodies) {
            // when
            Response response = app.post("/api/v1/messages/send/" + alice.userId(), alice.authorization(), body);

            // then
            assertThat(response.status()).as(body + " -> " + response.body()).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.problemType()).isEqualTo("https://socialink.io/problems/bad-request");
        }
        List<KafkaRecords.Keyed<Delivery>> deliveries =
                KafkaRecords.readAll(kafka, Topics.DEVICE_DELIVERIES, record -> record.value()
                        .getSenderUserId()
                        .equals(alice.userId()));
        assertThat(deliveries).isEmpty();
        // the same send, well typed, goes through: the rejections above were for the types alone
        Response good =
                app.post("/api/v1/messages/send/" + alice.userId(), alice.authorization(), send(bob, "k12", "60", "1"));
        assertThat(good.status()).as(good.body()).isEqualTo(201);
    }

    @Test
    void shouldRejectSettingsThatAreNotABoolean() {
        // given
        Device carol = app.register(GatewayApp.unique("carol"), 33);

        for (String body : List.of(
                "{\"readReceipts\":\"false\"}",
                "{\"readReceipts\":0}",
                "{\"readReceipts\":\" \"}",
                "{\"readReceipts\":null}",
                "{\"readReceipts\":\"\\u0000\"}")) {
            // when
            Response response = app.put("/api/v1/settings/" + carol.userId(), carol.authorization(), body);

            // then
            assertThat(response.status()).as(body + " -> " + response.body()).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
        }
        assertThat(app.get("/api/v1/settings/" + carol.userId(), carol.authorization())
                        .json()
                        .get("readReceipts")
                        .asBoolean())
                .isTrue();
    }
}
