package io.socialink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.socialink.delivery.metrics.MicrometerDeliveryMetrics;
import io.socialink.delivery.runtime.DeliveryStreams;
import io.socialink.delivery.runtime.QueueLocation;
import io.socialink.schemas.avro.ConnectionEvent;
import io.socialink.schemas.avro.ConnectionEventType;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.Push;
import io.socialink.schemas.avro.PushKind;
import io.socialink.schemas.topics.Topic;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The delivery-worker app against the real local Kafka broker. */
@ExtendWith(LocalKafka.class)
class DeliveryWorkerIT {

    private static final String INTERNAL_SECRET = "integration-test-internal-secret-0123456789";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path stateDir;

    @Test
    void shouldPushAQueuedDeliveryToThePartitionOfTheDevicesGatewayNode(KafkaTestEnv kafka) throws Exception {
        // given
        try (ConfigurableApplicationContext app = start(kafka, "delivery-it-" + UUID.randomUUID(), stateDir, "")) {
            awaitRunning(app);
            produce(kafka, Topics.DEVICE_DELIVERIES, "bob.1", delivery("m1", "bob.1"));

            // when
            produce(kafka, Topics.DEVICE_CONNECTIONS, "bob.1", connected(1, "bob-socket"));

            // then
            List<ConsumerRecord<String, Push>> pushes = awaitPushes(kafka, "bob-socket", 1);
            assertThat(pushes).singleElement().satisfies(record -> {
                assertThat(record.partition()).isEqualTo(1);
                assertThat(record.key()).isEqualTo("bob.1");
                assertThat(record.value().getKind()).isEqualTo(PushKind.ENVELOPE);
                assertThat(record.value().getEnvelope().getMessageId()).isEqualTo("m1");
            });
            assertThat(get(app, "/actuator/health"))
                    .contains("\"status\":\"UP\"")
                    .contains("RUNNING");
            assertThat(get(app, "/actuator/prometheus"))
                    .contains("socialink_delivery_queued_total")
                    .contains("socialink_delivery_pushed_total");
        }
    }

    @Test
    void shouldPushEveryQueuedEntryAfterARestartWithAFreshStateDirectory(
            KafkaTestEnv kafka, @TempDir Path secondStateDir) throws Exception {
        // given
        String applicationId = "delivery-it-" + UUID.randomUUID();
        try (ConfigurableApplicationContext app = start(kafka, applicationId, stateDir, "worker-a")) {
            awaitRunning(app);
            for (int i = 1; i <= 3; i++) {
                produce(kafka, Topics.DEVICE_DELIVERIES, "carol.1", delivery("queued-" + i, "carol.1"));
            }
            MeterRegistry registry = app.getBean(MeterRegistry.class);
            await().atMost(TIMEOUT)
                    .until(() ->
                            registry.counter(MicrometerDeliveryMetrics.QUEUED).count() >= 3);
        }

        // when
        try (ConfigurableApplicationContext app = start(kafka, applicationId, secondStateDir, "worker-a")) {
            awaitRunning(app);
            produce(kafka, Topics.DEVICE_CONNECTIONS, "carol.1", connected(0, "carol-socket"));

            // then
            List<ConsumerRecord<String, Push>> pushes = awaitPushes(kafka, "carol-socket", 3);
            assertThat(pushes)
                    .extracting(record -> record.value().getEnvelope().getMessageId())
                    .containsExactly("queued-1", "queued-2", "queued-3");
            assertThat(pushes).extracting(ConsumerRecord::partition).containsOnly(0);
        }
    }

    @Test
    void shouldServeTheHeadOfADeviceQueueInQueueOrder(KafkaTestEnv kafka) throws Exception {
        // given
        try (ConfigurableApplicationContext app = start(kafka, "delivery-it-" + UUID.randomUUID(), stateDir, "")) {
            awaitRunning(app);
            for (int i = 1; i <= 3; i++) {
                produce(kafka, Topics.DEVICE_DELIVERIES, "dave.1", delivery("head-" + i, "dave.1"));
            }
            produce(kafka, Topics.DEVICE_DELIVERIES, "dave.12", delivery("other-device", "dave.12"));
            MeterRegistry registry = app.getBean(MeterRegistry.class);
            await().atMost(TIMEOUT)
                    .until(() ->
                            registry.counter(MicrometerDeliveryMetrics.QUEUED).count() >= 4);

            // when (interactive queries see the store a moment after the processor counted the record)
            List<String> ids = await().atMost(TIMEOUT)
                    .until(() -> headIds(get(app, "/actuator/queues/dave.1?limit=2")), found -> found.size() == 2);
            String tooMany = get(app, "/actuator/queues/dave.1?limit=1001");

            // then
            assertThat(ids).containsExactly("head-1", "head-2");
            assertThat(tooMany).contains("error");
        }
    }

    @Test
    void shouldLeaveAnEntryPastItsExpiresAtOutOfTheQueueHeadBeforeTheSweepRemovesIt(KafkaTestEnv kafka)
            throws Exception {
        // given a sweep that runs only hourly, and "late" due 3 s from now
        try (ConfigurableApplicationContext app = start(
                kafka,
                "delivery-it-" + UUID.randomUUID(),
                stateDir,
                "",
                Map.of("socialink.delivery.expiry-interval", "1h"))) {
            awaitRunning(app);
            Instant expiresAt = Instant.now().plusSeconds(3);
            Delivery late = Delivery.newBuilder(delivery("late", "erin.1"))
                    .setExpiresAt(expiresAt)
                    .build();
            produce(kafka, Topics.DEVICE_DELIVERIES, "erin.1", late);
            produce(kafka, Topics.DEVICE_DELIVERIES, "erin.1", delivery("kept", "erin.1"));
            List<String> before = await().atMost(TIMEOUT)
                    .until(() -> headIds(get(app, "/actuator/queues/erin.1")), found -> found.size() == 2);

            // when
            await().until(() -> Instant.now().isAfter(expiresAt.plusMillis(100)));
            List<String> after = headIds(get(app, "/actuator/queues/erin.1"));

            // then
            assertThat(before).containsExactly("late", "kept");
            assertThat(after).containsExactly("kept");
        }
    }

    @Test
    void shouldAnswerEveryDevicesQueueOnEitherOfTwoInstances(KafkaTestEnv kafka, @TempDir Path secondStateDir)
            throws Exception {
        // given two instances of one worker, each advertising its internal port, and devices queued on each
        String applicationId = "delivery-it-" + UUID.randomUUID();
        int portA = freePort();
        int portB = freePort();
        try (ConfigurableApplicationContext a = start(kafka, applicationId, stateDir, "", advertising(portA));
                ConfigurableApplicationContext b =
                        start(kafka, applicationId, secondStateDir, "", advertising(portB))) {
            DeliveryStreams streamsA = a.getBean(DeliveryStreams.class);
            DeliveryStreams streamsB = b.getBean(DeliveryStreams.class);
            await().atMost(TIMEOUT)
                    .until(() -> streamsA.state() == KafkaStreams.State.RUNNING
                            && streamsB.state() == KafkaStreams.State.RUNNING
                            && !streamsA.activeTasks().isEmpty()
                            && !streamsB.activeTasks().isEmpty());
            List<String> onA = new ArrayList<>();
            List<String> onB = new ArrayList<>();
            for (int device = 1; device <= 200 && (onA.size() < 3 || onB.size() < 3); device++) {
                String address = "frank." + device;
                if (streamsA.locate(address) instanceof QueueLocation.Local) {
                    onA.add(address);
                } else if (streamsB.locate(address) instanceof QueueLocation.Local) {
                    onB.add(address);
                }
            }
            assertThat(onA).as("queues held by the first instance").hasSizeGreaterThanOrEqualTo(3);
            assertThat(onB).as("queues held by the second instance").hasSizeGreaterThanOrEqualTo(3);
            List<String> devices = new ArrayList<>(onA);
            devices.addAll(onB);
            for (String device : devices) {
                produce(kafka, Topics.DEVICE_DELIVERIES, device, delivery("for-" + device, device));
            }

            // when every queue is asked for on both instances
            // then both answer it whole, whichever instance holds it
            for (String device : devices) {
                String path = "/actuator/queues/" + device;
                await().atMost(TIMEOUT).untilAsserted(() -> {
                    assertThat(headIds(get(a, path))).as(device + " on a").containsExactly("for-" + device);
                    assertThat(headIds(get(b, path))).as(device + " on b").containsExactly("for-" + device);
                });
            }

            // and a forwarded query that reaches an instance not holding the queue is refused, not answered empty
            HttpResponse<String> misrouted = send(b, "/actuator/queues/" + onA.get(0) + "?forwarded=true");
            assertThat(misrouted.statusCode()).isEqualTo(503);
            assertThat(misrouted.body()).contains("retryAfterSeconds").doesNotContain("entries");
        }
    }

    private static Map<String, Object> advertising(int internalPort) {
        return Map.of(
                "management.server.port",
                internalPort,
                "socialink.delivery.advertised-address",
                "127.0.0.1:" + internalPort);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static List<String> headIds(String body) {
        tools.jackson.databind.JsonNode entries = tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .readTree(body)
                .get("entries");
        io.socialink.schemas.serde.AvroSerde<Delivery> serde =
                new io.socialink.schemas.serde.AvroSerde<>(Delivery.class);
        List<String> ids = new ArrayList<>();
        entries.forEach(
                entry -> ids.add(serde.fromBytes(java.util.Base64.getDecoder().decode(entry.asString()))
                        .getMessageId()));
        return ids;
    }

    private static ConfigurableApplicationContext start(
            KafkaTestEnv kafka, String applicationId, Path stateDir, String instanceId) {
        return start(kafka, applicationId, stateDir, instanceId, Map.of());
    }

    private static ConfigurableApplicationContext start(
            KafkaTestEnv kafka, String applicationId, Path stateDir, String instanceId, Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(kafka.springProperties());
        properties.put("server.port", 0);
        properties.put("management.server.port", 0);
        properties.put("socialink.internal.secret", INTERNAL_SECRET);
        properties.put("socialink.delivery.application-id", applicationId);
        properties.put("socialink.delivery.state-dir", stateDir.toString());
        properties.put("socialink.delivery.instance-id", instanceId);
        properties.putAll(extra);
        return new SpringApplicationBuilder(DeliveryWorkerApplication.class)
                .properties(properties)
                .run();
    }

    private static void awaitRunning(ConfigurableApplicationContext app) {
        DeliveryStreams streams = app.getBean(DeliveryStreams.class);
        await().atMost(TIMEOUT).until(() -> streams.state() == KafkaStreams.State.RUNNING);
    }

    private static <V> void produce(KafkaTestEnv kafka, Topic<String, V> topic, String key, V value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
            String name = kafka.layout().name(topic);
            producer.send(new ProducerRecord<>(
                            name,
                            topic.keySerde().serializer().serialize(name, key),
                            topic.valueSerde().serializer().serialize(name, value)))
                    .get();
        }
    }

    /** Reads gateway.push from the beginning until {@code count} envelopes for the connection arrived. */
    private static List<ConsumerRecord<String, Push>> awaitPushes(KafkaTestEnv kafka, String connectionId, int count) {
        String name = kafka.layout().name(Topics.GATEWAY_PUSH);
        List<ConsumerRecord<String, Push>> envelopes = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(kafka.consumerProperties("it-" + UUID.randomUUID()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(name).stream()
                    .map(PartitionInfo::partition)
                    .map(partition -> new TopicPartition(name, partition))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plus(TIMEOUT);
            while (envelopes.size() < count && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Push push = Topics.GATEWAY_PUSH.valueSerde().deserializer().deserialize(name, record.value());
                    if (push.getKind() == PushKind.ENVELOPE
                            && push.getConnectionId().equals(connectionId)) {
                        String key =
                                Topics.GATEWAY_PUSH.keySerde().deserializer().deserialize(name, record.key());
                        envelopes.add(new ConsumerRecord<>(name, record.partition(), record.offset(), key, push));
                    }
                }
            }
        }
        assertThat(envelopes).as("envelopes pushed to " + connectionId).hasSize(count);
        return envelopes;
    }

    /** GET on the internal (management) port with the internal credential: the body. */
    private static String get(ConfigurableApplicationContext app, String path) throws Exception {
        return send(app, path).body();
    }

    /** GET on the internal (management) port with the internal credential. */
    private static HttpResponse<String> send(ConfigurableApplicationContext app, String path) throws Exception {
        String port = app.getEnvironment().getProperty("local.management.port");
        String credential =
                Base64.getEncoder().encodeToString(("internal:" + INTERNAL_SECRET).getBytes(StandardCharsets.UTF_8));
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                .header("Authorization", "Basic " + credential)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static Delivery delivery(String messageId, String recipient) {
        String[] to = recipient.split("\\.");
        return Delivery.newBuilder()
                .setMessageId(messageId)
                .setSenderUserId("alice")
                .setSenderDeviceId(1)
                .setRecipientUserId(to[0])
                .setRecipientDeviceId(Integer.parseInt(to[1]))
                .setSentAt(Instant.now())
                .setCiphertextType(3)
                .setContent(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .build();
    }

    private static ConnectionEvent connected(int node, String connectionId) {
        return ConnectionEvent.newBuilder()
                .setType(ConnectionEventType.CONNECTED)
                .setGatewayNode(node)
                .setConnectionId(connectionId)
                .setAt(Instant.now())
                .build();
    }
}
