package io.socialink.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.socialink.calls.config.CallSettings;
import io.socialink.calls.runtime.CallSignalingStreams;
import io.socialink.schemas.avro.AnswerCall;
import io.socialink.schemas.avro.CallCommand;
import io.socialink.schemas.avro.CallEvent;
import io.socialink.schemas.avro.CallMedia;
import io.socialink.schemas.avro.CallPayload;
import io.socialink.schemas.avro.CallReply;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.InitiateCall;
import io.socialink.schemas.avro.RelayIce;
import io.socialink.schemas.topics.Topic;
import io.socialink.schemas.topics.TopicAdmin;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
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
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** call-signaling against the real local Kafka broker, with exactly-once processing and the global lines store. */
@ExtendWith(LocalKafka.class)
class CallSignalingIT {

    private static final String INTERNAL_SECRET = "integration-test-internal-secret-0123456789";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** LocalKafka's layout has two reply partitions: this test is gateway node 1. */
    private static final int NODE = 1;

    @TempDir
    Path stateDir;

    @Test
    void shouldAnswerOnTheNodesPartitionRingAndRelayWithCommittedCopiesAndRefuseACallToABusyUser(KafkaTestEnv kafka)
            throws Exception {
        // given
        String callId = UUID.randomUUID().toString();
        String alice = "alice-" + callId;
        String bob = "bob-" + callId;
        try (ConfigurableApplicationContext app = start(kafka)) {
            CallSignalingStreams streams = app.getBean(CallSignalingStreams.class);
            await().atMost(TIMEOUT).until(() -> streams.state() == KafkaStreams.State.RUNNING);
            List<CallCommand> commands = List.of(
                    command(callId, alice, 1, initiate(bob, 1, 2)),
                    command(
                            callId,
                            bob,
                            2,
                            AnswerCall.newBuilder()
                                    .setAnswer(payload(1, "answer"))
                                    .build()),
                    command(
                            callId,
                            bob,
                            1,
                            AnswerCall.newBuilder()
                                    .setAnswer(payload(1, "answer"))
                                    .build()),
                    command(
                            callId,
                            alice,
                            1,
                            RelayIce.newBuilder()
                                    .setCandidates(List.of(payload(2, "candidate")))
                                    .build()));

            // when
            for (CallCommand command : commands) {
                produce(kafka, Topics.CALL_COMMANDS, callId, command);
            }

            // then
            List<ConsumerRecord<String, CallReply>> replies =
                    readCommitted(kafka, Topics.CALL_REPLIES, 4, record -> record.value()
                            .getCallId()
                            .equals(callId));
            assertThat(replies).extracting(ConsumerRecord::partition).containsOnly(NODE);
            assertThat(replies)
                    .extracting(ConsumerRecord::key)
                    .containsExactlyElementsOf(
                            commands.stream().map(CallCommand::getRequestId).toList());
            assertThat(replies)
                    .extracting(record ->
                            record.value().getStatus() + " " + record.value().getState())
                    .containsExactly("201 ringing", "200 accepted", "409 accepted", "200 accepted");

            List<ConsumerRecord<String, Delivery>> copies = readCommitted(
                    kafka,
                    Topics.DEVICE_DELIVERIES,
                    5,
                    record -> record.key().startsWith(alice) || record.key().startsWith(bob));
            assertThat(copies)
                    .extracting(record -> record.key() + " "
                            + record.value().getEvent().getAttributes().get("event"))
                    .containsExactlyInAnyOrder(
                            bob + ".1 ring",
                            bob + ".2 ring",
                            alice + ".1 accepted",
                            bob + ".1 answered-elsewhere",
                            bob + ".2 ice");

            List<ConsumerRecord<String, CallEvent>> events = readCommitted(
                    kafka, Topics.CALL_EVENTS, 2, record -> record.key().equals(callId));
            assertThat(events)
                    .extracting(record -> record.value().getEvent().getClass().getSimpleName())
                    .containsExactly("CallInitiated", "CallAccepted");

            // and a call to bob, in a call now, is busy once the line reached the global store (milliseconds)
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String second = UUID.randomUUID().toString();
                CallCommand call = command(second, "carol-" + callId, 1, initiate(bob, 1, 2));
                produce(kafka, Topics.CALL_COMMANDS, second, call);
                CallReply reply = readCommitted(kafka, Topics.CALL_REPLIES, 1, record -> record.value()
                                .getCallId()
                                .equals(second))
                        .get(0)
                        .value();
                assertThat(reply.getOutcome()).isEqualTo("busy");
            });

            assertThat(get(app, "/actuator/health"))
                    .contains("\"status\":\"UP\"")
                    .contains("RUNNING");
            assertThat(get(app, "/actuator/prometheus"))
                    .contains("socialink_calls_commands_total")
                    .contains("socialink_calls_ended_total{")
                    .contains("socialink_calls_deliveries_total");
        }
    }

    private static CallCommand command(String callId, String user, int device, Object body) {
        return CallCommand.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setCallId(callId)
                .setActorUserId(user)
                .setActorDeviceId(device)
                .setReplyPartition(NODE)
                .setIssuedAt(Instant.now())
                .setCommand(body)
                .build();
    }

    private static CallPayload payload(int device, String text) {
        return CallPayload.newBuilder()
                .setDeviceId(device)
                .setCiphertextType(2)
                .setContent(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)))
                .build();
    }

    private static InitiateCall initiate(String callee, int... devices) {
        List<CallPayload> offers = new ArrayList<>();
        for (int device : devices) {
            offers.add(payload(device, "offer"));
        }
        return InitiateCall.newBuilder()
                .setCalleeUserId(callee)
                .setMedia(CallMedia.AUDIO)
                .setOffers(offers)
                .setRingMillis(45_000)
                .build();
    }

    /** LocalKafka deletes the catalog's topics; the store's changelog is this app's own. */
    @AfterEach
    void deleteInternalTopics(KafkaTestEnv kafka) throws Exception {
        String internal = kafka.layout().prefix() + CallSettings.DEFAULT_APPLICATION_ID + "-";
        try (Admin admin = TopicAdmin.connect(kafka.bootstrapServers())) {
            List<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(name -> name.startsWith(internal))
                    .toList();
            admin.deleteTopics(names).all().get(30, TimeUnit.SECONDS);
        }
    }

    private ConfigurableApplicationContext start(KafkaTestEnv kafka) {
        Map<String, Object> properties = new HashMap<>(kafka.springProperties());
        properties.put("server.port", 0);
        properties.put("management.server.port", 0);
        properties.put("socialink.internal.secret", INTERNAL_SECRET);
        properties.put("socialink.calls.state-dir", stateDir.toString());
        return new SpringApplicationBuilder(CallSignalingApplication.class)
                .properties(properties)
                .run();
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

    /** Reads the topic from the beginning as the gateway does (read_committed) until {@code count} records match. */
    private static <V> List<ConsumerRecord<String, V>> readCommitted(
            KafkaTestEnv kafka, Topic<String, V> topic, int count, Predicate<ConsumerRecord<String, V>> wanted) {
        String name = kafka.layout().name(topic);
        Properties properties = kafka.consumerProperties("it-" + UUID.randomUUID());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, V>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
            List<TopicPartition> partitions = consumer.partitionsFor(name).stream()
                    .map(PartitionInfo::partition)
                    .map(partition -> new TopicPartition(name, partition))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plus(TIMEOUT);
            while (found.size() < count && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> raw : consumer.poll(Duration.ofMillis(200))) {
                    ConsumerRecord<String, V> record = new ConsumerRecord<>(
                            name,
                            raw.partition(),
                            raw.offset(),
                            topic.keySerde().deserializer().deserialize(name, raw.key()),
                            topic.valueSerde().deserializer().deserialize(name, raw.value()));
                    if (wanted.test(record)) {
                        found.add(record);
                    }
                }
            }
        }
        assertThat(found).as("records on " + name).hasSize(count);
        return found;
    }

    /** GET on the internal (management) port with the internal credential. */
    private static String get(ConfigurableApplicationContext app, String path) throws Exception {
        String port = app.getEnvironment().getProperty("local.management.port");
        String credential =
                Base64.getEncoder().encodeToString(("internal:" + INTERNAL_SECRET).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                .header("Authorization", "Basic " + credential)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return response.body();
    }
}
