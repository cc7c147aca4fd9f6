package io.socialink.delivery.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.delivery.config.DeliverySettings;
import io.socialink.schemas.topics.TopicLayout;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsConfigFactoryTest {

    @Test
    void shouldRunExactlyOnceUnderTheApplicationId() {
        // given
        DeliverySettings settings = DeliverySettings.defaults();

        // when
        Properties properties =
                StreamsConfigFactory.create("kafka:9092", new TopicLayout("p.", 3, 4, 1, 2, (short) 1), settings);

        // then
        assertThat(properties)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "delivery-worker")
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir())
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all")
                .containsEntry(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 10_000)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1_000L)
                .containsEntry(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
        new StreamsConfig(properties);
    }

    @Test
    void shouldAdvertiseTheInstancesInternalAddressOnlyWhenOneIsGiven() {
        // given
        TopicLayout layout = new TopicLayout("p.", 3, 4, 1, 2, (short) 1);
        DeliverySettings advertised =
                DeliverySettings.defaults().withAdvertisedAddress("worker-0.delivery-worker:9081");

        // when
        Properties with = StreamsConfigFactory.create("kafka:9092", layout, advertised);
        Properties without = StreamsConfigFactory.create("kafka:9092", layout, DeliverySettings.defaults());

        // then
        assertThat(with).containsEntry(StreamsConfig.APPLICATION_SERVER_CONFIG, "worker-0.delivery-worker:9081");
        assertThat(without).doesNotContainKey(StreamsConfig.APPLICATION_SERVER_CONFIG);
        assertThatThrownBy(() -> DeliverySettings.defaults().withAdvertisedAddress("http://worker-0:9081"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host:port");
    }
}
