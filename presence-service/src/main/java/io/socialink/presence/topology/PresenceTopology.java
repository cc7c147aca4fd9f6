package io.socialink.presence.topology;

import io.socialink.presence.config.PresenceSettings;
import io.socialink.presence.metrics.PresenceMetrics;
import io.socialink.presence.store.PresenceStore;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;

/** {@code device.connections} → {@link PresenceProcessor} → Redis; no state stores, no output topics. */
public final class PresenceTopology {

    public static final String PROCESSOR = "presence";

    private PresenceTopology() {}

    public static Topology build(
            TopicLayout layout, PresenceSettings settings, PresenceStore store, PresenceMetrics metrics) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(
                        layout.name(Topics.DEVICE_CONNECTIONS),
                        Consumed.with(Topics.DEVICE_CONNECTIONS.keySerde(), Topics.DEVICE_CONNECTIONS.valueSerde())
                                .withName("from-device.connections"))
                .process(() -> new PresenceProcessor(store, settings, metrics), Named.as(PROCESSOR));
        return builder.build();
    }
}
