package io.socialink.gateway.config;

import io.socialink.schemas.topics.TopicLayout;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The topic layout of the cluster ({@code socialink.topics.*}, the same settings as {@code SOCIALINK_TOPICS_*}). */
@Validated
@ConfigurationProperties("socialink.topics")
public record TopicsProperties(
        @Pattern(regexp = "[A-Za-z0-9._-]*") String prefix,
        @Min(1) int devicePartitions,
        @Min(1) int pushPartitions,
        @Min(1) int metadataPartitions,
        @Min(1) int groupPartitions,
        @Min(1) @Max(Short.MAX_VALUE) int replicationFactor) {

    public TopicLayout layout() {
        return new TopicLayout(prefix, devicePartitions, pushPartitions, metadataPartitions, groupPartitions, (short)
                replicationFactor);
    }
}
