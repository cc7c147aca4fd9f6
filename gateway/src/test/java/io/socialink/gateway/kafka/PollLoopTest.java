package io.socialink.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PollLoopTest {

    private static final TopicPartition PARTITION = new TopicPartition("topic", 0);

    private final MockConsumer<String, String> consumer = new MockConsumer<>("earliest");
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private PollLoop<String, String> loop;

    @BeforeEach
    void assign() {
        consumer.assign(List.of(PARTITION));
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
    }

    @AfterEach
    void close() {
        if (loop != null) {
            loop.close();
        }
    }

    @Test
    void shouldHandEachPollToTheBatchUntilClosed() {
        // given
        loop = loop(records -> records.forEach(record -> seen.add(record.value())));
        consumer.addRecord(record(0, "a"));
        consumer.addRecord(record(1, "b"));

        // when
        loop.start();
        await(() -> seen.size() == 2);

        // then
        assertThat(loop.isRunning()).isTrue();
        loop.close();
        assertThat(seen).containsExactly("a", "b");
        assertThat(loop.isRunning()).isFalse();
        assertThat(loop.failure()).isNull();
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void shouldSkipAnUndecodableRecord() {
        // given
        loop = loop(records -> records.forEach(record -> seen.add(record.value())));
        consumer.addRecord(record(0, "undecodable"));
        consumer.addRecord(record(1, "b"));
        consumer.setPollException(new RecordDeserializationException(PARTITION, 0, "bad bytes", null));

        // when
        loop.start();
        await(() -> !seen.isEmpty());

        // then
        assertThat(seen).containsExactly("b");
        assertThat(loop.isRunning()).isTrue();
    }

    @Test
    void shouldPassOverARecordItsHandlerFailsOn() {
        // given
        loop = loop(records -> loop.eachRecord(
                records,
                record -> {
                    if (record.value().equals("bad")) {
                        throw new IllegalArgumentException("bad record");
                    }
                    seen.add(record.value());
                },
                "test record at {}@{} not handled: {}"));
        consumer.addRecord(record(0, "a"));
        consumer.addRecord(record(1, "bad"));
        consumer.addRecord(record(2, "c"));

        // when
        loop.start();
        await(() -> seen.size() == 2);

        // then
        assertThat(seen).containsExactly("a", "c");
        assertThat(loop.isRunning()).isTrue();
    }

    @Test
    void shouldReadAnAssignedPartitionFromItsEnd() {
        // given
        consumer.updateEndOffsets(Map.of(PARTITION, 1L));
        loop = new TestLoop() {
            {
                assignAtEnd(PARTITION);
            }

            @Override
            protected void handle(ConsumerRecords<String, String> records) {
                records.forEach(record -> seen.add(record.value()));
            }
        };
        consumer.addRecord(record(0, "before"));
        consumer.addRecord(record(1, "after"));

        // when
        loop.start();
        await(() -> !seen.isEmpty());

        // then
        assertThat(seen).containsExactly("after");
    }

    @Test
    void shouldStopAndReportWhenABatchFails() {
        // given
        loop = loop(records -> {
            if (!records.isEmpty()) {
                throw new IllegalStateException("broken");
            }
        });
        consumer.addRecord(record(0, "a"));

        // when
        loop.start();
        await(consumer::closed);

        // then
        assertThat(loop.isRunning()).isFalse();
        assertThat(loop.failure()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldCloseTheConsumerWhenNeverStarted() {
        loop = loop(records -> {});

        loop.close();

        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void shouldCommitOnlyAfterApplyAndRewindAFailedBatch() {
        // given
        AtomicInteger attempts = new AtomicInteger();
        List<List<String>> applied = new CopyOnWriteArrayList<>();
        loop = new TestLoop() {
            @Override
            protected void handle(ConsumerRecords<String, String> records) {
                applyThenCommit(records, "test projection", values -> {
                    if (attempts.getAndIncrement() == 0) {
                        throw new IllegalStateException("database down");
                    }
                    applied.add(values);
                });
            }
        };
        consumer.addRecord(record(0, "a"));
        consumer.addRecord(record(1, null));
        consumer.addRecord(record(2, "c"));

        // when the first apply fails
        loop.start();
        await(() -> attempts.get() == 1 && consumer.position(PARTITION) == 0);

        // then nothing is committed and the same records come again (MockConsumer forgets returned records)
        assertThat(committed()).isNull();
        consumer.addRecord(record(0, "a"));
        consumer.addRecord(record(1, null));
        consumer.addRecord(record(2, "c"));
        await(() -> committed() != null);
        assertThat(applied).containsExactly(List.of("a", "c"));
        assertThat(committed().offset()).isEqualTo(3);
    }

    private PollLoop<String, String> loop(java.util.function.Consumer<ConsumerRecords<String, String>> batch) {
        return new TestLoop() {
            @Override
            protected void handle(ConsumerRecords<String, String> records) {
                batch.accept(records);
            }
        };
    }

    private abstract class TestLoop extends PollLoop<String, String> {
        TestLoop() {
            super(consumer, "poll-loop-test", "test consumer", "test record");
        }
    }

    private OffsetAndMetadata committed() {
        return consumer.committed(Set.of(PARTITION)).get(PARTITION);
    }

    private static ConsumerRecord<String, String> record(long offset, String value) {
        return new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, "key", value);
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
