package io.socialink.gateway.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.socialink.schemas.topics.Batching;
import io.socialink.schemas.topics.Topic;
import io.socialink.schemas.topics.TopicLayout;
import io.socialink.schemas.topics.Topics;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Produces the gateway's events with one idempotent producer (acks=all, 5 ms linger, so that sends of many sockets
 * share produce requests: a request per record cost the gateway and the broker more than the records): a returned
 * future or mono
 * completes only once the broker has acknowledged the record, so callers answer clients only after Kafka has
 * their data. Records with one key go to one partition in send order.
 *
 * <p>{@link KafkaProducer#send} blocks while it fetches metadata of a topic it has not seen; the constructor
 * fetches it for every topic the gateway writes and the producer keeps it (no idle eviction), so sends on event
 * loop threads only append to the producer's buffer.
 */
public class EventPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    static final List<Topic<String, ?>> PRODUCED = List.of(
            Topics.DEVICE_DELIVERIES,
            Topics.DEVICE_CONNECTIONS,
            Topics.DEVICE_ACKS,
            Topics.METADATA_MESSAGES,
            Topics.GROUP_COMMANDS);

    private final Producer<String, byte[]> producer;
    private final TopicLayout layout;
    private final AtomicLong failures = new AtomicLong();
    private volatile @Nullable String lastFailure;
    private @Nullable KafkaClientMetrics clientMetrics;

    public EventPublisher(Producer<String, byte[]> producer, TopicLayout layout) {
        this.producer = producer;
        this.layout = layout;
        PRODUCED.forEach(topic -> producer.partitionsFor(layout.name(topic)));
    }

    public static Properties producerProperties(String bootstrapServers, String clientId) {
        Properties properties = new Properties();
        properties.putAll(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG,
                clientId,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                Batching.LINGER_MS,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                5,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                10_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                10_000,
                ProducerConfig.METADATA_MAX_IDLE_CONFIG,
                24 * 3600 * 1000));
        // a group commit bundle (up to 2 MiB of MLS) rides in one record
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topic.LARGE_MESSAGE_BYTES);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return properties;
    }

    public static EventPublisher create(String bootstrapServers, String clientId, TopicLayout layout) {
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(bootstrapServers, clientId));
        try {
            return new EventPublisher(producer, layout);
        } catch (RuntimeException e) {
            producer.close();
            throw e;
        }
    }

    /** Sends one record; the future completes when the broker acknowledged it (or the send failed). */
    public <V> CompletableFuture<RecordMetadata> send(Topic<String, V> topic, String key, V value) {
        return send(topic, null, key, value);
    }

    /** As {@link #send(Topic, String, Object)}, to the given partition rather than the key's. */
    public <V> CompletableFuture<RecordMetadata> send(
            Topic<String, V> topic, @Nullable Integer partition, String key, V value) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        try {
            byte[] bytes = topic.valueSerde().serializer().serialize(layout.name(topic), value);
            producer.send(new ProducerRecord<>(layout.name(topic), partition, key, bytes), (metadata, error) -> {
                if (error == null) {
                    acked.complete(metadata);
                } else {
                    recordFailure(topic, error);
                    acked.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            recordFailure(topic, e);
            acked.completeExceptionally(e);
        }
        return acked;
    }

    /** Sends one record and completes when it is acknowledged. */
    public <V> Mono<Void> publish(Topic<String, V> topic, String key, V value) {
        return Mono.fromFuture(() -> send(topic, key, value), true).then();
    }

    private void recordFailure(Topic<?, ?> topic, Throwable error) {
        failures.incrementAndGet();
        lastFailure = error.getClass().getSimpleName();
        log.warn("producing to {} failed: {}", layout.name(topic), error.toString());
    }

    /** Publishes the producer's own metrics (record rates, request latency, buffer use) to {@code registry}. */
    public synchronized void bindMetrics(MeterRegistry registry) {
        if (clientMetrics == null) {
            clientMetrics = new KafkaClientMetrics(producer);
            clientMetrics.bindTo(registry);
        }
    }

    public long failures() {
        return failures.get();
    }

    public @Nullable String lastFailure() {
        return lastFailure;
    }

    @Override
    public synchronized void close() {
        if (clientMetrics != null) {
            clientMetrics.close();
        }
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
