package io.socialink.streams;

import io.socialink.schemas.topics.TopicLayout;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The topic layout ({@code socialink.topics.*}, or the {@code SOCIALINK_TOPICS_*} environment variables);
 * the defaults are {@link TopicLayout#defaults()}.
 */
@Validated
@ConfigurationProperties("socialink.topics")
public record TopicsProperties(
        @DefaultValue("") String prefix,

        @DefaultValue("" + TopicLayout.DEFAULT_DEVICE_PARTITIONS) @Positive
        int devicePartitions,

        @DefaultValue("" + TopicLayout.DEFAULT_PUSH_PARTITIONS) @Positive
        int pushPartitions,

        @DefaultValue("" + TopicLayout.DEFAULT_METADATA_PARTITIONS) @Positive
        int metadataPartitions,

        @DefaultValue("" + TopicLayout.DEFAULT_GROUP_PARTITIONS) @Positive
        int groupPartitions,

        @DefaultValue("1") @Positive short replicationFactor) {

    public TopicLayout toLayout() {
        return new TopicLayout(
                prefix, devicePartitions, pushPartitions, metadataPartitions, groupPartitions, replicationFactor);
    }
}
