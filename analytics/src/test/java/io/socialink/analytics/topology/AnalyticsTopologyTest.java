package io.socialink.analytics.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.socialink.analytics.metrics.AnalyticsMetrics;
import io.socialink.schemas.avro.CallMetadata;
import io.socialink.schemas.avro.GroupMetadata;
import io.socialink.schemas.avro.MessageEventType;
import io.socialink.schemas.avro.MessageMetadata;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The analytics topology on Kafka Streams' test driver: metadata events in, the figures of each minute and day out
 * (the latest record per key, as the compacted topics keep them).
 */
class AnalyticsTopologyTest {

    private static final TopicLayout LAYOUT = new TopicLayout("", 3, 2, 2, 2, (short) 1);
    private static final Instant T = Instant.parse("2026-12-05T07:41:10Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path stateDir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, MessageMetadata> messages;
    private TestInputTopic<String, GroupMetadata> groups;
    private TestInputTopic<String, CallMetadata> calls;
    private TestOutputTopic<String, String> minutes;
    private TestOutputTopic<String, String> days;

    @BeforeEach
    void start() {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "analytics-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(
                AnalyticsTopology.build(LAYOUT, Duration.ofDays(8), new AnalyticsMetrics(registry)), properties, T);
        messages = driver.createInputTopic(
                LAYOUT.name(Topics.METADATA_MESSAGES),
                Topics.METADATA_MESSAGES.keySerde().serializer(),
                Topics.METADATA_MESSAGES.valueSerde().serializer());
        groups = driver.createInputTopic(
                LAYOUT.name(Topics.METADATA_GROUPS),
                Topics.METADATA_GROUPS.keySerde().serializer(),
                Topics.METADATA_GROUPS.valueSerde().serializer());
        calls = driver.createInputTopic(
                LAYOUT.name(Topics.METADATA_CALLS),
                Topics.METADATA_CALLS.keySerde().serializer(),
                Topics.METADATA_CALLS.valueSerde().serializer());
        minutes = driver.createOutputTopic(
                LAYOUT.name(Topics.ANALYTICS_MINUTES),
                Serdes.String().deserializer(),
                Serdes.String().deserializer());
        days = driver.createOutputTopic(
                LAYOUT.name(Topics.ANALYTICS_DAYS),
                Serdes.String().deserializer(),
                Serdes.String().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldCountEachMessageOnceByKindWhateverItsCopiesAndRepeats() {
        // a 1:1 message with copies to bob's device and alice's second device, its SENT seen twice
        sent("m1", "alice", 1, "bob", 1, "bob", T);
        sent("m1", "alice", 1, "alice", 2, "bob", T);
        sent("m1", "alice", 1, "bob", 1, "bob", T);
        // a Note to Self to alice's second device
        sent("m2", "alice", 1, "alice", 2, "alice", T.plusSeconds(5));
        // a group message
        groups.pipeInput("g1", group("g1", "message", 12, 0, T.plusSeconds(10)));

        JsonNode minute = latest(minutes).get("2026-12-05T07:41Z");
        assertThat(minute.get("messages").get("oneToOne").asLong()).isEqualTo(1);
        assertThat(minute.get("messages").get("noteToSelf").asLong()).isEqualTo(1);
        assertThat(minute.get("messages").get("group").asLong()).isEqualTo(1);
        assertThat(registry.get(AnalyticsMetrics.MESSAGES)
                        .tag("kind", "one-to-one")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void shouldMeasureSentToDeliveredAndDeliveredToReadPerCopyOnce() {
        sent("m1", "alice", 1, "bob", 1, "bob", T);
        sent("m1", "alice", 1, "bob", 2, "bob", T);
        event("m1", MessageEventType.DELIVERED, "alice", "bob", 1, T.plusMillis(120));
        event("m1", MessageEventType.DELIVERED, "alice", "bob", 2, T.plusMillis(480));
        event("m1", MessageEventType.DELIVERED, "alice", "bob", 2, T.plusMillis(900)); // a repeat: not measured
        event("m1", MessageEventType.READ, "alice", "bob", 1, T.plusMillis(2_120));

        JsonNode minute = latest(minutes).get("2026-12-05T07:41Z");
        JsonNode delivered = minute.get("sentToDeliveredMs");
        assertThat(delivered.get("count").asLong()).isEqualTo(2);
        assertThat(delivered.get("p50").asLong()).isEqualTo(120);
        assertThat(delivered.get("max").asLong()).isBetween(480L, 481L);
        JsonNode read = minute.get("deliveredToReadMs");
        assertThat(read.get("count").asLong()).isEqualTo(1);
        assertThat(read.get("p50").asLong()).isEqualTo(2_000);
        assertThat(registry.get(AnalyticsMetrics.SENT_TO_DELIVERED).timer().count())
                .isEqualTo(2);
    }

    @Test
    void shouldCountEachActiveDeviceOncePerUtcDay() {
        sent("m1", "alice", 1, "bob", 1, "bob", T);
        event("m1", MessageEventType.DELIVERED, "alice", "bob", 1, T.plusSeconds(1));
        sent("m2", "alice", 1, "bob", 1, "bob", T.plusSeconds(60));
        event("m2", MessageEventType.READ, "alice", "bob", 1, T.plusSeconds(70));
        groups.pipeInput("g1", group("g1", "message", 3, 0, T.plusSeconds(80))); // carol's device
        sent("m3", "alice", 1, "bob", 1, "bob", Instant.parse("2026-12-06T00:00:01Z")); // the next day

        Map<String, JsonNode> perDay = latest(days);
        assertThat(perDay.get("2026-12-05").get("activeDevices").asLong()).isEqualTo(3);
        assertThat(perDay.get("2026-12-06").get("activeDevices").asLong()).isEqualTo(1);
    }

    @Test
    void shouldCountGroupChurnAndEachGroupAtItsLatestSize() {
        groups.pipeInput("g1", group("g1", "created", 1, 1, T));
        groups.pipeInput("g1", group("g1", "members-added", 40, 45, T.plusSeconds(1)));
        groups.pipeInput("g1", group("g1", "members-removed", 38, 3, T.plusSeconds(2)));
        groups.pipeInput("g2", group("g2", "created", 2, 2, T.plusSeconds(3)));
        groups.pipeInput("g2", group("g2", "rejected", 2, 0, T.plusSeconds(4)));

        JsonNode day = latest(days).get("2026-12-05").get("groups");
        assertThat(day.get("created").asLong()).isEqualTo(2);
        assertThat(day.get("devicesAdded").asLong()).isEqualTo(45);
        assertThat(day.get("devicesRemoved").asLong()).isEqualTo(3);
        assertThat(day.get("sizes").get("1-2").asLong()).isEqualTo(1); // g2
        assertThat(day.get("sizes").get("11-100").asLong()).isEqualTo(1); // g1 at 38, counted once
        assertThat(day.get("sizes").get("3-10").asLong()).isZero();
    }

    @Test
    void shouldCountEachEndedCallOnceOnItsDayByOutcomeWithTheAnsweredCallsLength() {
        calls.pipeInput("c1", call("c1", "initiated", null, 0, T));
        calls.pipeInput("c1", call("c1", "accepted", null, 0, T.plusSeconds(2)));
        calls.pipeInput("c1", call("c1", "ended", "completed", 90_000, T.plusSeconds(92)));
        calls.pipeInput("c2", call("c2", "ended", "missed", 0, T.plusSeconds(50)));
        calls.pipeInput("c3", call("c3", "ended", "completed", 30_000, T.plusSeconds(60)));
        calls.pipeInput("c4", call("c4", "ended", "busy", 0, T.plusSeconds(61)));

        JsonNode day = latest(days).get("2026-12-05").get("calls");
        assertThat(day.get("completed").asLong()).isEqualTo(2);
        assertThat(day.get("missed").asLong()).isEqualTo(1);
        assertThat(day.get("busy").asLong()).isEqualTo(1);
        assertThat(day.get("declined").asLong()).isZero();
        assertThat(day.get("cancelled").asLong()).isZero();
        assertThat(day.get("durationMillis").asLong()).isEqualTo(120_000);
    }

    @Test
    void shouldPublishEachChangedFigureOnceASecondAtItsLatest() {
        sent("m1", "alice", 1, "bob", 1, "bob", T);
        sent("m2", "alice", 1, "bob", 1, "bob", T.plusSeconds(1));
        sent("m3", "alice", 1, "bob", 1, "bob", T.plusSeconds(2));
        assertThat(minutes.isEmpty()).isTrue();

        driver.advanceWallClockTime(Figures.PUBLISH_EVERY);
        var published = minutes.readKeyValuesToList();
        assertThat(published).hasSize(1);
        assertThat(JSON.readTree(published.get(0).value)
                        .get("messages")
                        .get("oneToOne")
                        .asLong())
                .isEqualTo(3);

        driver.advanceWallClockTime(Figures.PUBLISH_EVERY);
        assertThat(minutes.isEmpty()).as("nothing changed since").isTrue();
    }

    @Test
    void shouldLeaveFiguresPastKeepAsTheyWerePublished() {
        // a replayed message from ten days ago (keep is 8 days)
        sent("old", "alice", 1, "bob", 1, "bob", T.minus(Duration.ofDays(10)));
        driver.advanceWallClockTime(Figures.PUBLISH_EVERY);

        assertThat(minutes.isEmpty()).isTrue();
        assertThat(days.isEmpty()).isTrue();
    }

    @Test
    void shouldNeverWriteAUserIdGroupIdOrMessageIdToItsFigures() {
        String marker = "marker-7f3a9c";
        sent(marker + "-m", marker + "-alice", 1, marker + "-bob", 1, marker + "-bob", T);
        event(marker + "-m", MessageEventType.DELIVERED, marker + "-alice", marker + "-bob", 1, T.plusSeconds(1));
        groups.pipeInput(marker + "-g", group(marker + "-g", "created", 5, 5, T));
        CallMetadata call = call(marker + "-c", "ended", "completed", 1_000, T);
        call.setCallerUserId(marker + "-alice");
        call.setCalleeUserId(marker + "-bob");
        calls.pipeInput(marker + "-c", call);

        driver.advanceWallClockTime(Figures.PUBLISH_EVERY);
        assertThat(minutes.readKeyValuesToList()).isNotEmpty().allSatisfy(record -> {
            assertThat(record.key).doesNotContain(marker);
            assertThat(record.value).doesNotContain(marker);
        });
        assertThat(days.readKeyValuesToList()).isNotEmpty().allSatisfy(record -> {
            assertThat(record.key).doesNotContain(marker);
            assertThat(record.value).doesNotContain(marker);
        });
    }

    private void sent(
            String messageId,
            String sender,
            int senderDevice,
            String recipient,
            int recipientDevice,
            String destination,
            Instant at) {
        messages.pipeInput(
                messageId,
                MessageMetadata.newBuilder()
                        .setMessageId(messageId)
                        .setEvent(MessageEventType.SENT)
                        .setSenderUserId(sender)
                        .setSenderDeviceId(senderDevice)
                        .setRecipientUserId(recipient)
                        .setRecipientDeviceId(recipientDevice)
                        .setCiphertextBytes(100)
                        .setAt(at)
                        .setDestinationUserId(destination)
                        .build());
    }

    private void event(
            String messageId, MessageEventType type, String sender, String recipient, int recipientDevice, Instant at) {
        messages.pipeInput(
                messageId,
                MessageMetadata.newBuilder()
                        .setMessageId(messageId)
                        .setEvent(type)
                        .setSenderUserId(sender)
                        .setSenderDeviceId(1)
                        .setRecipientUserId(recipient)
                        .setRecipientDeviceId(recipientDevice)
                        .setCiphertextBytes(0)
                        .setAt(at)
                        .build());
    }

    private static CallMetadata call(String callId, String kind, String outcome, long durationMillis, Instant at) {
        return CallMetadata.newBuilder()
                .setCallId(callId)
                .setKind(kind)
                .setAt(at)
                .setCallerUserId("alice")
                .setCalleeUserId("bob")
                .setMedia("video")
                .setCalleeDevices(1)
                .setOutcome(outcome)
                .setDurationMillis(durationMillis)
                .build();
    }

    private static GroupMetadata group(String groupId, String kind, int members, int changed, Instant at) {
        return GroupMetadata.newBuilder()
                .setGroupId(groupId)
                .setKind(kind)
                .setAt(at)
                .setActorUserId(groupId.startsWith("marker") ? groupId + "-carol" : "carol")
                .setActorDeviceId(1)
                .setEpoch(1)
                .setMemberUsers(members)
                .setMemberDevices(members)
                .setChangedDevices(changed)
                .build();
    }

    /** The latest figures per key, as a compacted topic keeps them, once a publication is due. */
    private Map<String, JsonNode> latest(TestOutputTopic<String, String> topic) {
        driver.advanceWallClockTime(Figures.PUBLISH_EVERY);
        Map<String, JsonNode> latest = new java.util.TreeMap<>();
        topic.readKeyValuesToList().forEach(record -> latest.put(record.key, JSON.readTree(record.value)));
        return latest;
    }
}
