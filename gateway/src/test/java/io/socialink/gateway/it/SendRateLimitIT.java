package io.socialink.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class SendRateLimitIT {

    private static GatewayApp app;
    private static KafkaTestEnv kafka;

    @BeforeAll
    static void start(KafkaTestEnv kafkaEnv, PostgresTestEnv postgres, RedisTestEnv redis) {
        kafka = kafkaEnv;
        app = GatewayApp.start(
                kafkaEnv,
                postgres,
                redis,
                Map.of(
                        "socialink.gateway.rate-limits.sends.capacity",
                        3,
                        "socialink.gateway.rate-limits.sends.period",
                        "1h"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void shouldAnswer429WithRetryAfterOnceADeviceSpentItsSendsAndProduceNothingForIt() {
        // given
        Device sender = app.register(GatewayApp.unique("flooder"), 11);
        Device other = app.register(sender.userId(), 12);
        Device recipient = app.register(GatewayApp.unique("target"), 21);
        String copy = "{\"userId\":\"" + recipient.userId() + "\",\"deviceId\":1,\"registrationId\":21,\"type\":3,"
                + "\"content\":\"AQID\"}";
        String own = "{\"userId\":\"" + sender.userId() + "\",\"deviceId\":" + other.deviceId()
                + ",\"registrationId\":12,\"type\":3,\"content\":\"AQID\"}";

        // when
        List<Response> responses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            responses.add(app.post(
                    "/api/v1/messages/send/" + sender.userId(),
                    sender.authorization(),
                    "{\"destination\":\"" + recipient.userId() + "\",\"idempotencyKey\":\"k" + i + "\",\"messages\":["
                            + copy + "," + own + "]}"));
        }
        Response fromOtherDevice = app.post(
                "/api/v1/messages/send/" + sender.userId(),
                other.authorization(),
                "{\"destination\":\"" + recipient.userId() + "\",\"idempotencyKey\":\"o\",\"messages\":[" + copy
                        + ",{\"userId\":\"" + sender.userId() + "\",\"deviceId\":" + sender.deviceId()
                        + ",\"registrationId\":11,\"type\":3,\"content\":\"AQID\"}]}");

        // then
        assertThat(responses.subList(0, 3))
                .allSatisfy(response ->
                        assertThat(response.status()).as(response.body()).isEqualTo(201));
        Response limited = responses.get(3);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.problemType()).isEqualTo("https://socialink.io/problems/rate-limited");
        assertThat(limited.raw().headers().firstValue("Retry-After")).isPresent();
        assertThat(fromOtherDevice.status()).as(fromOtherDevice.body()).isEqualTo(201);
        assertThat(KafkaRecords.readAll(
                        kafka, Topics.DEVICE_DELIVERIES, record -> record.key().equals(recipient.address())))
                .hasSize(4);
    }
}
