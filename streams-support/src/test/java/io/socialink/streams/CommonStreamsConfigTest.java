package io.socialink.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.schemas.topics.Topic;
import io.socialink.schemas.topics.TopicLayout;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.junit.jupiter.api.Test;

class CommonStreamsConfigTest {

    private static final TopicLayout LAYOUT = new TopicLayout("t.", 3, 4, 1, 2, (short) 3);

    @Test
    void shouldConfigureTheSharedSettings() {
        // when
        Properties properties = CommonStreamsConfig.create(
                "app",
                "kafka:9092",
                LAYOUT,
                new Settings("/var/lib/app", 2, Duration.ofMillis(25), Duration.ofSeconds(10), "", 1));

        // then
        assertThat(properties)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "app")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092")
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/app")
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 25L)
                .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3)
                .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1)
                .containsEntry(
                        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        LogAndContinueExceptionHandler.class)
                .containsEntry(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5)
                .containsEntry(
                        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Topic.LARGE_MESSAGE_BYTES)
                .containsEntry(
                        StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                        Topic.LARGE_MESSAGE_BYTES)
                .containsEntry(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000)
                .doesNotContainKey(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))
                .doesNotContainKey(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        new StreamsConfig(properties);
    }

    @Test
    void shouldUseStaticMembershipWithAnInstanceId() {
        // when
        Properties properties = CommonStreamsConfig.create(
                "app",
                "kafka:9092",
                LAYOUT,
                new Settings("/tmp/app", 1, Duration.ofSeconds(1), Duration.ofSeconds(10), "worker-1", 0));

        // then
        assertThat(properties)
                .containsEntry(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), "worker-1");
    }

    private record Settings(
            String stateDir,
            int streamThreads,
            Duration commitInterval,
            Duration sessionTimeout,
            String instanceId,
            int standbyReplicas)
            implements StreamsSettings {}
}
