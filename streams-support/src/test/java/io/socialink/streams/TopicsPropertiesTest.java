package io.socialink.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.schemas.topics.TopicLayout;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class TopicsPropertiesTest {

    @Test
    void shouldDefaultToTheDefaultLayout() {
        assertThat(bind(Map.of()).toLayout()).isEqualTo(TopicLayout.defaults());
    }

    @Test
    void shouldBindTheLayoutProperties() {
        // when
        TopicLayout layout = bind(Map.of(
                        "socialink.topics.prefix",
                        "staging.",
                        "socialink.topics.device-partitions",
                        "24",
                        "socialink.topics.push-partitions",
                        "5",
                        "socialink.topics.metadata-partitions",
                        "2",
                        "socialink.topics.group-partitions",
                        "7",
                        "socialink.topics.replication-factor",
                        "3"))
                .toLayout();

        // then
        assertThat(layout).isEqualTo(new TopicLayout("staging.", 24, 5, 2, 7, (short) 3));
    }

    @Test
    void shouldBindTheKafkaBootstrapServersWithALocalDefault() {
        assertThat(new Binder(new MapConfigurationPropertySource(Map.of()))
                        .bindOrCreate("socialink.kafka", KafkaSettings.class)
                        .bootstrapServers())
                .isEqualTo("localhost:9092");
    }

    private static TopicsProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("socialink.topics", TopicsProperties.class);
    }
}
