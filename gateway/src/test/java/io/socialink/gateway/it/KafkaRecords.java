package io.socialink.gateway.it;

import io.socialink.schemas.topics.Topic;
import io.socialink.testing.KafkaTestEnv;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads a test topic from the beginning up to its current end: everything acknowledged before the call. */
final class KafkaRecords {

    record Keyed<V>(String key, V value, int partition) {}

    private KafkaRecords() {}

    static <V> List<Keyed<V>> readAll(KafkaTestEnv kafka, Topic<String, V> topic) {
        String name = kafka.layout().name(topic);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties("it-reader"))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < kafka.layout().partitions(topic); p++) {
                partitions.add(new TopicPartition(name, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<Keyed<V>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + name + " to its end");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(new Keyed<>(
                            new String(record.key(), StandardCharsets.UTF_8),
                            topic.valueSerde().deserializer().deserialize(name, record.value()),
                            record.partition()));
                }
            }
            return records;
        }
    }

    static <V> List<Keyed<V>> readAll(KafkaTestEnv kafka, Topic<String, V> topic, Predicate<Keyed<V>> filter) {
        return readAll(kafka, topic).stream().filter(filter).toList();
    }

    /** Waits until records matching {@code filter} appear (for records the gateway produces asynchronously). */
    static <V> List<Keyed<V>> await(
            KafkaTestEnv kafka, Topic<String, V> topic, Predicate<Keyed<V>> filter, int atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<Keyed<V>> found = readAll(kafka, topic, filter);
            if (found.size() >= atLeast || System.nanoTime() > deadline) {
                return found;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return found;
            }
        }
    }
}
