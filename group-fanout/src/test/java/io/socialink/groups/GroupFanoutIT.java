package io.socialink.groups;

import static io.socialink.groups.GroupCommands.add;
import static io.socialink.groups.GroupCommands.create;
import static io.socialink.groups.GroupCommands.message;
import static io.socialink.groups.GroupCommands.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.socialink.groups.config.GroupSettings;
import io.socialink.groups.runtime.GroupFanoutStreams;
import io.socialink.schemas.avro.CommandRejected;
import io.socialink.schemas.avro.CommitAccepted;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.GroupCommand;
import io.socialink.schemas.avro.GroupCreated;
import io.socialink.schemas.avro.GroupEvent;
import io.socialink.schemas.avro.GroupReply;
import io.socialink.schemas.avro.MessageAccepted;
import io.socialink.schemas.topics.Topic;
import io.socialink.schemas.topics.TopicAdmin;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/** group-fanout against the real local Kafka broker, with exactly-once processing. */
@ExtendWith(LocalKafka.class)
class GroupFanoutIT {

    private static final String INTERNAL_SECRET = "integration-test-internal-secret-0123456789";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** LocalKafka's layout has two reply partitions: this test is gateway node 1. */
    private static final int NODE = 1;

    @TempDir
    Path stateDir;

    @Test
    void shouldAnswerCommandsOnTheNodesPartitionOnlyWithTheirEventsAndCopiesCommitted(KafkaTestEnv kafka)
            throws Exception {
        // given
        String groupId = "it-" + UUID.randomUUID();
        try (ConfigurableApplicationContext app = start(kafka)) {
            GroupFanoutStreams streams = app.getBean(GroupFanoutStreams.class);
            await().atMost(TIMEOUT).until(() -> streams.state() == KafkaStreams.State.RUNNING);
            List<GroupCommand> commands = List.of(
                    create(groupId, "alice.1"),
                    add(groupId, "alice.1", 0, List.of("bob.1", "bob.2")),
                    message(groupId, "bob.1", 1, "m-" + groupId),
                    update(groupId, "bob.2", 0));
            commands.forEach(command -> command.setReplyPartition(NODE));

            // when
            for (GroupCommand command : commands) {
                produce(kafka, Topics.GROUP_COMMANDS, groupId, command);
            }

            // then
            List<ConsumerRecord<String, GroupReply>> replies =
                    readCommitted(kafka, Topics.GROUP_REPLIES, 4, record -> record.value()
                            .getGroupId()
                            .equals(groupId));
            assertThat(replies).extracting(ConsumerRecord::partition).containsOnly(NODE);
            assertThat(replies)
                    .extracting(ConsumerRecord::key)
                    .containsExactlyElementsOf(
                            commands.stream().map(GroupCommand::getRequestId).toList());
            assertThat(replies)
                    .extracting(record ->
                            record.value().getStatus() + " " + record.value().getEpoch())
                    .containsExactly("201 0", "200 1", "201 1", "409 1");
            assertThat(replies.get(3).value().getProblemType()).isEqualTo("stale-epoch");

            List<ConsumerRecord<String, Delivery>> copies = readCommitted(
                    kafka,
                    Topics.DEVICE_DELIVERIES,
                    4,
                    record -> groupId.equals(record.value().getGroupId()));
            assertThat(copies)
                    .extracting(record -> record.key() + " " + record.value().getCiphertextType())
                    .containsExactlyInAnyOrder("bob.1 12", "bob.2 12", "alice.1 10", "bob.2 10");

            List<ConsumerRecord<String, GroupEvent>> events = readCommitted(
                    kafka, Topics.GROUP_EVENTS, 4, record -> record.key().equals(groupId));
            assertThat(events)
                    .extracting(record -> record.value().getEvent().getClass().getSimpleName())
                    .containsExactly(
                            GroupCreated.class.getSimpleName(),
                            CommitAccepted.class.getSimpleName(),
                            MessageAccepted.class.getSimpleName(),
                            CommandRejected.class.getSimpleName());

            assertThat(get(app, "/actuator/health"))
                    .contains("\"status\":\"UP\"")
                    .contains("RUNNING");
            assertThat(get(app, "/actuator/prometheus"))
                    .contains("socialink_groups_commands_total")
                    .contains("socialink_groups_deliveries_total");
        }
    }

    /** LocalKafka deletes the catalog's topics; the store's changelog is this app's own. */
    @AfterEach
    void deleteInternalTopics(KafkaTestEnv kafka) throws Exception {
        String internal = kafka.layout().prefix() + GroupSettings.DEFAULT_APPLICATION_ID + "-";
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
        properties.put("socialink.groups.state-dir", stateDir.toString());
        return new SpringApplicationBuilder(GroupFanoutApplication.class)
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
