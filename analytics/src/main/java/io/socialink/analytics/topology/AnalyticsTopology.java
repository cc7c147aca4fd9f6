package io.socialink.analytics.topology;

import io.socialink.analytics.metrics.AnalyticsMetrics;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * {@code metadata.messages} → {@link MessageFacts}, {@code metadata.groups} → {@link GroupFacts},
 * {@code metadata.calls} → {@link CallFacts}; their facts,
 * repartitioned by the minute or day they belong to, → {@link Figures} → {@code analytics.minutes} and
 * {@code analytics.days} (compacted: the latest figures of each minute and day, JSON, published once a second).
 * The stores cache their writes until the commit, so a figure rewritten by many facts reaches its changelog once. Reads nothing but the three
 * metadata topics, which carry no content; writes nothing but counts and latencies.
 */
public final class AnalyticsTopology {

    private AnalyticsTopology() {}

    public static Topology build(TopicLayout layout, Duration keep, AnalyticsMetrics metrics) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(MessageFacts.COUNTED), Serdes.String(), Serdes.Long())
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(MessageFacts.COPIES), Serdes.String(), Serdes.String())
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(Figures.MINUTES), Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(Figures.DAYS), Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(Figures.DAY_DEVICES), Serdes.String(), Serdes.Long())
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(Figures.DAY_GROUPS), Serdes.String(), Serdes.Long())
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(Figures.CHANGED), Serdes.String(), Serdes.Long())
                .withCachingEnabled());

        KStream<String, String> messageFacts = builder.stream(
                        layout.name(Topics.METADATA_MESSAGES),
                        Consumed.with(Topics.METADATA_MESSAGES.keySerde(), Topics.METADATA_MESSAGES.valueSerde()))
                .process(() -> new MessageFacts(keep), MessageFacts.COUNTED, MessageFacts.COPIES);
        KStream<String, String> groupFacts = builder.stream(
                        layout.name(Topics.METADATA_GROUPS),
                        Consumed.with(Topics.METADATA_GROUPS.keySerde(), Topics.METADATA_GROUPS.valueSerde()))
                .process(GroupFacts::new);
        KStream<String, String> callFacts = builder.stream(
                        layout.name(Topics.METADATA_CALLS),
                        Consumed.with(Topics.METADATA_CALLS.keySerde(), Topics.METADATA_CALLS.valueSerde()))
                .process(CallFacts::new);
        KStream<String, String> figures = messageFacts
                .merge(groupFacts)
                .merge(callFacts)
                .repartition(
                        Repartitioned.with(Serdes.String(), Serdes.String()).withName("facts"))
                .process(
                        () -> new Figures(keep, metrics),
                        Figures.MINUTES,
                        Figures.DAYS,
                        Figures.DAY_DEVICES,
                        Figures.DAY_GROUPS,
                        Figures.CHANGED);
        figures.filter((key, json) -> key.startsWith(Fact.MINUTE))
                .selectKey((key, json) -> key.substring(Fact.MINUTE.length()))
                .to(layout.name(Topics.ANALYTICS_MINUTES), Produced.with(Serdes.String(), Serdes.String()));
        figures.filter((key, json) -> key.startsWith(Fact.DAY))
                .selectKey((key, json) -> key.substring(Fact.DAY.length()))
                .to(layout.name(Topics.ANALYTICS_DAYS), Produced.with(Serdes.String(), Serdes.String()));
        return builder.build();
    }
}
