package io.socialink.delivery.runtime;

import io.socialink.delivery.config.DeliverySettings;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.streams.CommonStreamsConfig;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams configuration of the delivery-worker: the common configuration and exactly-once processing.
 *
 * <p>Exactly-once is what keeps the queues whole across a crash, not what makes a push unique (pushes may still
 * repeat, and devices drop duplicates by messageId). A device's queue lives in several stores (entries, the
 * messageId index, the queue state, ...); under at-least-once each store's changelog is flushed on its own, so a
 * {@code kill -9} in the middle of a commit could restore, for example, a messageId index entry without its queue
 * entry, and the replayed delivery would then be taken for a duplicate and lost (the fault suite lost 31 of 120,000
 * copies under at-least-once, none under exactly-once). Under exactly-once every changelog write, every
 * output and the input offsets of one commit are one transaction: a restarted task sees the stores exactly as they
 * were at the last commit and replays its input from there. The gateway reads {@code gateway.push} uncommitted,
 * so pushes are not delayed to the commit; a push of an aborted transaction is simply pushed again.
 */
public final class StreamsConfigFactory {

    /** How long an open transaction of a crashed instance blocks its partitions at most. */
    static final int TRANSACTION_TIMEOUT_MILLIS = 10_000;

    /** The record cache of all the worker's stores together. */
    static final long RECORD_CACHE_BYTES = 64L * 1024 * 1024;

    private StreamsConfigFactory() {}

    public static Properties create(String bootstrapServers, TopicLayout layout, DeliverySettings settings) {
        Properties properties =
                CommonStreamsConfig.create(settings.applicationId(), bootstrapServers, layout, settings);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        // An instance killed with an open transaction holds the partitions it wrote to (read committed) until the
        // broker aborts it after this timeout: it bounds a failover (with the group's session timeout). A commit
        // interval's transaction is small now that Commits and Welcomes travel by reference: Streams' own 10 s.
        properties.put(
                StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), TRANSACTION_TIMEOUT_MILLIS);
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_BLOCK_MS_CONFIG), 120_000);
        // the record cache is what keeps an entry pushed and acked within one commit interval out of RocksDB and
        // the changelogs (its put and delete cancel out); at Streams' 10 MiB default a busy worker evicted dirty
        // entries before their ack came, which wrote both, and eviction was a tenth of its CPU profile
        properties.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, RECORD_CACHE_BYTES);
        // every instance then knows which instance (host:port of its internal port) holds each device's queue
        if (!settings.advertisedAddress().isEmpty()) {
            properties.put(StreamsConfig.APPLICATION_SERVER_CONFIG, settings.advertisedAddress());
        }
        return properties;
    }
}
