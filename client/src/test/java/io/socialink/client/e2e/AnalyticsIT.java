package io.socialink.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.cli.SocialinkCli;
import io.socialink.schemas.avro.GroupMetadata;
import io.socialink.schemas.avro.MessageEventType;
import io.socialink.schemas.avro.MessageMetadata;
import io.socialink.schemas.topics.Topic;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * The analytics app as a process on the real broker (exactly once, its repartition topic, its compacted outputs),
 * and the CLI's {@code analytics} command that prints the last hour from those outputs: metadata as the apps write
 * it goes in, the figures come out.
 */
@ExtendWith(LocalKafka.class)
class AnalyticsIT {

    private static AppProcess analytics;
    private static KafkaTestEnv kafka;

    @BeforeAll
    static void start(KafkaTestEnv env) throws Exception {
        kafka = env;
        Map<String, Object> properties = new HashMap<>(env.springProperties());
        properties.put("socialink.analytics.application-id", "e2e-analytics-" + UUID.randomUUID());
        properties.put("socialink.analytics.state-dir", Files.createTempDirectory("analytics-state"));
        analytics = AppProcess.of("analytics", "analytics", properties).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (analytics != null) {
            analytics.close();
        }
    }

    @Test
    void shouldPrintTheLastHoursFiguresFromTheMetadataTopics() throws Exception {
        // given a 1:1 message delivered after 250 ms and read 2 s later, a Note to Self, and a group of 12 created
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES).plusSeconds(1);
        String message = UUID.randomUUID().toString();
        produce(Topics.METADATA_MESSAGES, message, event(message, MessageEventType.SENT, "bob", now));
        produce(
                Topics.METADATA_MESSAGES,
                message,
                event(message, MessageEventType.DELIVERED, "bob", now.plusMillis(250)));
        produce(Topics.METADATA_MESSAGES, message, event(message, MessageEventType.READ, "bob", now.plusMillis(2_250)));
        String note = UUID.randomUUID().toString();
        produce(Topics.METADATA_MESSAGES, note, event(note, MessageEventType.SENT, "alice", now));
        produce(
                Topics.METADATA_GROUPS,
                "g1",
                GroupMetadata.newBuilder()
                        .setGroupId("g1")
                        .setKind("created")
                        .setAt(now)
                        .setActorUserId("alice")
                        .setActorDeviceId(1)
                        .setEpoch(0)
                        .setMemberUsers(12)
                        .setMemberDevices(12)
                        .setChangedDevices(12)
                        .build());

        // when the CLI prints the figures, until they are all there
        String printed = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!printed.contains("groups created 1")
                || !printed.contains("n=1 p50 2000")
                || !printed.contains("active devices 2")) {
            assertThat(System.nanoTime())
                    .as("figures printed in time; last output:%n%s", printed)
                    .isLessThan(deadline);
            Thread.sleep(500);
            printed = cli();
        }

        // then: the minute's messages by kind and latencies, today's devices and groups
        assertThat(printed).containsPattern("Z\\s+1\\s+1\\s+0\\s+n=1 p50 250 p99 250\\s+n=1 p50 2000 p99 2000");
        assertThat(printed).contains("active devices 2"); // alice's sending device and bob's, each once
        assertThat(printed).contains("groups created 1, devices added 0, removed 0");
        assertThat(printed).contains("11-100: 1");
    }

    private static String cli() {
        StringWriter out = new StringWriter();
        CommandLine commandLine = SocialinkCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(new StringWriter(), true));
        int exit = commandLine.execute(
                "analytics",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topics-prefix",
                kafka.layout().prefix());
        return exit == 0 ? out.toString() : "";
    }

    private static MessageMetadata event(String messageId, MessageEventType type, String destination, Instant at) {
        return MessageMetadata.newBuilder()
                .setMessageId(messageId)
                .setEvent(type)
                .setSenderUserId("alice")
                .setSenderDeviceId(1)
                .setRecipientUserId(destination)
                .setRecipientDeviceId(destination.equals("alice") ? 2 : 1)
                .setCiphertextBytes(type == MessageEventType.SENT ? 300 : 0)
                .setAt(at)
                .setDestinationUserId(type == MessageEventType.SENT ? destination : null)
                .build();
    }

    private static <V> void produce(Topic<String, V> topic, String key, V value) throws Exception {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(
                kafka.producerProperties(),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(kafka.layout().name(topic), key, value))
                    .get(10, TimeUnit.SECONDS);
        }
    }
}
