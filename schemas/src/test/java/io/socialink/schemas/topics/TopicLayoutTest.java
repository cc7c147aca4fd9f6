package io.socialink.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicLayoutTest {

    @Test
    void shouldPrefixNamesAndGivePerDeviceTopicsOnePartitionCount() {
        // given
        TopicLayout layout = TopicLayout.fromEnv(Map.of(
                "SOCIALINK_TOPICS_PREFIX",
                "t1.",
                "SOCIALINK_TOPICS_DEVICE_PARTITIONS",
                "6",
                "SOCIALINK_TOPICS_PUSH_PARTITIONS",
                "4"));

        // then
        assertThat(layout.name(Topics.DEVICE_DELIVERIES)).isEqualTo("t1.device.deliveries");
        assertThat(layout.partitions(Topics.DEVICE_DELIVERIES)).isEqualTo(6);
        assertThat(layout.partitions(Topics.DEVICE_CONNECTIONS)).isEqualTo(6);
        assertThat(layout.partitions(Topics.DEVICE_ACKS)).isEqualTo(6);
        assertThat(layout.partitions(Topics.GATEWAY_PUSH)).isEqualTo(4);
    }

    @Test
    void shouldCreateConnectionsCompactedAndDeliveriesWithThirtyDayRetention() {
        // given
        TopicLayout layout = TopicLayout.defaults();

        // when
        NewTopic connections = TopicAdmin.newTopic(Topics.DEVICE_CONNECTIONS, layout);
        NewTopic deliveries = TopicAdmin.newTopic(Topics.DEVICE_DELIVERIES, layout);

        // then
        assertThat(connections.configs()).containsEntry("cleanup.policy", "compact");
        assertThat(deliveries.configs()).containsEntry("retention.ms", String.valueOf(30L * 24 * 3600 * 1000));
        assertThat(deliveries.numPartitions()).isEqualTo(TopicLayout.DEFAULT_DEVICE_PARTITIONS);
    }

    @Test
    void shouldRejectAPrefixThatIsNotATopicName() {
        assertThatThrownBy(() -> new TopicLayout("bad prefix/", 1, 1, 1, 1, (short) 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
