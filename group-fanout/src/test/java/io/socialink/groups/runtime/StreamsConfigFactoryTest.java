package io.socialink.groups.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.groups.config.GroupSettings;
import io.socialink.schemas.topics.TopicLayout;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsConfigFactoryTest {

    @Test
    void shouldRunExactlyOnceUnderThePrefixedApplicationId() {
        // given
        GroupSettings settings = GroupSettings.defaults();

        // when
        Properties properties =
                StreamsConfigFactory.create("kafka:9092", new TopicLayout("p.", 3, 4, 1, 2, (short) 1), settings);

        // then
        assertThat(properties)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "p.socialink-group-fanout")
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir())
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 10_000)
                .containsEntry(StreamsConfig.producerPrefix(ProducerConfig.MAX_BLOCK_MS_CONFIG), 120_000)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 25L)
                .doesNotContainKey(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG));
        new StreamsConfig(properties);
    }
}
