package io.socialink.client.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.schemas.avro.GroupMetadata;
import io.socialink.schemas.avro.MessageEventType;
import io.socialink.schemas.avro.MessageMetadata;
import io.socialink.schemas.topics.Topic;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The Python example of docs/analytics.md ({@code docs/examples/metadata_tail.py}, Apache Avro's and Confluent's Python
 * packages, no Socialink code) decodes the metadata topics as the apps write them: records serialized with the apps'
 * own serdes (Avro single-object encoding) are read back by the script from the real broker, field for field. The
 * interpreter is {@code SOCIALINK_PYTHON} ({@code infra/socialink test} picks one that has the packages, installing
 * Debian's where it can), else {@code python3}.
 */
@ExtendWith(LocalKafka.class)
class PythonMetadataExampleIT {

    private static final Path SCRIPT = Path.of("..", "docs", "examples", "metadata_tail.py");

    @Test
    void shouldDecodeMessageAndGroupMetadataAsTheAppsWriteThem(KafkaTestEnv kafka) throws Exception {
        // given what the apps write: message events (a disappearing one, a dropped one) and a group event
        Instant at = Instant.ofEpochMilli(1_796_000_000_123L);
        MessageMetadata sent = MessageMetadata.newBuilder()
                .setMessageId("7d1c3e0a-4a8e-3b1d-9a55-0c3f1a2b3c4d")
                .setEvent(MessageEventType.SENT)
                .setSenderUserId("alice")
                .setSenderDeviceId(1)
                .setRecipientUserId("bob")
                .setRecipientDeviceId(2)
                .setCiphertextBytes(913)
                .setAt(at)
                .setDestinationUserId("bob")
                .setExpiresAt(at.plusSeconds(3600))
                .build();
        MessageMetadata dropped = MessageMetadata.newBuilder(sent)
                .setEvent(MessageEventType.DROPPED)
                .setReason("queue-full")
                .setExpiresAt(null)
                .setDestinationUserId(null)
                .build();
        GroupMetadata added = GroupMetadata.newBuilder()
                .setGroupId("RduePpjpNFrc5StBWrZusw")
                .setKind("members-added")
                .setAt(at)
                .setActorUserId("alice")
                .setActorDeviceId(1)
                .setEpoch(1)
                .setMemberUsers(20)
                .setMemberDevices(21)
                .setChangedDevices(19)
                .setSize(12_873)
                .setRecipientDevices(20)
                .build();
        produce(kafka, Topics.METADATA_MESSAGES, sent.getMessageId(), List.of(sent, dropped));
        produce(kafka, Topics.METADATA_GROUPS, added.getGroupId(), List.of(added));

        // when the Python example reads both topics from the beginning
        List<JsonNode> messages = python(kafka.layout().name(Topics.METADATA_MESSAGES), 2);
        List<JsonNode> groups = python(kafka.layout().name(Topics.METADATA_GROUPS), 1);

        // then every field is what the apps wrote
        assertThat(messages).extracting(r -> r.get("schema").asString()).containsOnly("MessageMetadata");
        assertThat(messages).extracting(r -> r.get("key").asString()).containsOnly(sent.getMessageId());
        JsonNode first = messages.get(0).get("value");
        assertThat(first.get("event").asString()).isEqualTo("SENT");
        assertThat(first.get("senderUserId").asString()).isEqualTo("alice");
        assertThat(first.get("recipientDeviceId").asInt()).isEqualTo(2);
        assertThat(first.get("ciphertextBytes").asInt()).isEqualTo(913);
        assertThat(first.get("at").asLong()).isEqualTo(at.toEpochMilli());
        assertThat(first.get("expiresAt").asLong())
                .isEqualTo(at.plusSeconds(3600).toEpochMilli());
        assertThat(first.get("destinationUserId").asString()).isEqualTo("bob");
        JsonNode second = messages.get(1).get("value");
        assertThat(second.get("event").asString()).isEqualTo("DROPPED");
        assertThat(second.get("reason").asString()).isEqualTo("queue-full");
        assertThat(second.get("expiresAt").isNull()).isTrue();
        JsonNode group = groups.get(0).get("value");
        assertThat(groups.get(0).get("schema").asString()).isEqualTo("GroupMetadata");
        assertThat(group.get("kind").asString()).isEqualTo("members-added");
        assertThat(group.get("memberDevices").asInt()).isEqualTo(21);
        assertThat(group.get("size").asInt()).isEqualTo(12_873);
        assertThat(group.get("at").asLong()).isEqualTo(at.toEpochMilli());
    }

    private static <V> void produce(KafkaTestEnv kafka, Topic<String, V> topic, String key, List<V> values)
            throws Exception {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(
                kafka.producerProperties(),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            for (V value : values) {
                producer.send(new ProducerRecord<>(kafka.layout().name(topic), key, value))
                        .get(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The script's JSON lines for {@code count} records of {@code topic}. */
    private static List<JsonNode> python(String topic, int count) throws IOException, InterruptedException {
        String python = System.getenv().getOrDefault("SOCIALINK_PYTHON", "python3");
        Path out = Files.createTempFile("metadata-tail", ".out");
        Path err = Files.createTempFile("metadata-tail", ".err");
        Process process = new ProcessBuilder(
                        python,
                        SCRIPT.toString(),
                        "--bootstrap",
                        LocalKafka.bootstrapServers(),
                        "--topic",
                        topic,
                        "--from-beginning",
                        "--max",
                        String.valueOf(count),
                        "--idle",
                        "30")
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the script ends").isTrue();
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s %s: %s", python, SCRIPT, stderr).isZero();
        List<JsonNode> records = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            records.add(json.readTree(line));
        }
        assertThat(records).as("records printed (stderr: %s)", stderr).hasSize(count);
        return records;
    }
}
