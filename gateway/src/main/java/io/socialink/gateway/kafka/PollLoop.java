package io.socialink.gateway.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka consumer polled on its own daemon thread, each poll's records (possibly none) handed to
 * {@link #handle}. Subclasses choose what the consumer reads and what a batch does, including whether and when it
 * commits.
 * <ul>
 * <li>Threading: once {@link #start() started}, only the loop's thread touches the consumer (it is not
 * thread-safe), except for the {@code wakeup} that {@link #close()} sends; {@link #handle} and
 * {@link #afterEachPoll} run on that thread.</li>
 * <li>Undecodable records are logged and skipped (the position moves past them); nothing else is skipped here.</li>
 * <li>Any other exception out of a poll or a batch stops the thread for good: it is logged, kept as
 * {@link #failure()}, and {@link #isRunning()} turns false, which is what the health indicator reports.</li>
 * <li>Commits: the loop itself never commits. A consumer that assigned itself a partition
 * ({@link #assignAtEnd}) has nothing to commit; one in a consumer group commits through
 * {@link #applyThenCommit}, after its work is done, which makes it at-least-once.</li>
 * <li>Shutdown: {@link #close()} stops the loop, wakes a blocked poll and waits up to 10 s for the thread, which
 * closes the consumer (up to 5 s, a group member leaving its group); a loop never started closes the consumer
 * itself.</li>
 * </ul>
 * Log messages go to the subclass's logger.
 */
public abstract class PollLoop<K, V> implements AutoCloseable {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final int FETCH_MAX_WAIT_MS = 500;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final Consumer<K, V> consumer;
    private final String name;
    private final String recordKind;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Instant lastPoll = Instant.now();
    private volatile @Nullable Throwable failure;
    private @Nullable KafkaClientMetrics clientMetrics;

    /**
     * @param name       what stopped, in the error log ("push consumer of gateway.push-0")
     * @param recordKind what was skipped, in the undecodable-record warning ("push")
     */
    protected PollLoop(Consumer<K, V> consumer, String threadName, String name, String recordKind) {
        this.consumer = consumer;
        this.name = name;
        this.recordKind = recordKind;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
    }

    /**
     * Client settings every loop's consumer starts from. Auto commit is off because committing is the subclass's
     * decision: the at-least-once guarantee of {@link #applyThenCommit} depends on it. A fetch waits at the broker
     * for up to {@link #FETCH_MAX_WAIT_MS} while there is nothing to read: the broker answers as soon as one record
     * is readable ({@code fetch.min.bytes} 1), so the wait adds no latency; it only sets how often an idle consumer
     * asks again. Each node runs ~6 such consumers: with a wait of tens of milliseconds, idle nodes would send the
     * broker hundreds of empty fetches a second.
     */
    protected static Properties consumerProperties(String bootstrapServers, String clientId) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
        return properties;
    }

    /** Builds a loop around {@code consumer}, closing the consumer if that fails: nothing else would. */
    protected static <C extends Consumer<?, ?>, L extends PollLoop<?, ?>> L closingOnFailure(
            C consumer, Function<C, L> loop) {
        try {
            return loop.apply(consumer);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** What to do with the records of one poll; an exception stops the loop. */
    protected abstract void handle(ConsumerRecords<K, V> records);

    /** Runs after every poll, also after a skipped record or a batch that dealt with its own failure. */
    protected void afterEachPoll() {}

    /**
     * Assigns the partition, without a consumer group, and positions at its end before returning, so records
     * produced from now on are seen and nothing older is.
     */
    protected final TopicPartition assignAtEnd(TopicPartition partition) {
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition);
        return partition;
    }

    /**
     * Hands each record to {@code handler}; a record it fails on is logged with {@code failureWarning} (arguments:
     * partition, offset, error) and passed over, so it does not cost the rest of the poll.
     */
    protected final void eachRecord(
            ConsumerRecords<K, V> records,
            java.util.function.Consumer<ConsumerRecord<K, V>> handler,
            String failureWarning) {
        for (ConsumerRecord<K, V> record : records) {
            try {
                handler.accept(record);
            } catch (RuntimeException e) {
                log.warn(
                        failureWarning,
                        new TopicPartition(record.topic(), record.partition()),
                        record.offset(),
                        e.toString());
            }
        }
    }

    /**
     * For a consumer group: hands the poll's non-null values to {@code apply}, which must be done with them when it
     * returns (e.g. committed to Postgres), then commits the poll's offsets. When {@code apply} throws, the
     * partitions are rewound to the poll's first offsets and the same records come again after a pause, so a batch
     * is never skipped; a crash between apply and commit re-applies it. A failing commit stops the loop.
     *
     * @param what names the work in the retry warning ("group projection")
     */
    protected final void applyThenCommit(
            ConsumerRecords<K, V> records, String what, java.util.function.Consumer<List<V>> apply) {
        if (records.isEmpty()) {
            return;
        }
        List<V> values = new ArrayList<>(records.count());
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        Map<TopicPartition, Long> first = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<K, V> record : records.records(partition)) {
                first.putIfAbsent(partition, record.offset());
                if (record.value() != null) {
                    values.add(record.value());
                }
                done.put(partition, new OffsetAndMetadata(record.offset() + 1));
            }
        }
        try {
            apply.accept(values);
        } catch (RuntimeException e) {
            log.warn("{} of {} events failed, retrying them: {}", what, values.size(), e.toString());
            first.forEach(consumer::seek);
            pause();
            return;
        }
        consumer.commitSync(done);
    }

    /**
     * Publishes the consumer's own metrics to {@code registry} (fetch rates, records lag per partition, and for a
     * group member its rebalances), tagged with its client id. They are read from the scrape's thread, as Kafka's
     * consumer allows for {@code metrics()}.
     */
    public synchronized void bindMetrics(MeterRegistry registry) {
        if (clientMetrics == null) {
            clientMetrics = new KafkaClientMetrics(consumer);
            clientMetrics.bindTo(registry);
        }
    }

    public synchronized void start() {
        if (running && !thread.isAlive()) {
            thread.start();
        }
    }

    private void run() {
        try {
            while (running) {
                pollOnce();
                afterEachPoll();
            }
        } catch (WakeupException e) {
            // close() clears running before its wakeup; any other wakeup must not end the loop unnoticed
            if (running) {
                failure = e;
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            log.error("{} stopped", name, e);
        } finally {
            consumer.close(CLOSE_TIMEOUT);
        }
    }

    private void pollOnce() {
        ConsumerRecords<K, V> records;
        try {
            records = consumer.poll(POLL_TIMEOUT);
        } catch (RecordDeserializationException e) {
            log.warn("skipping undecodable {} at {}@{}", recordKind, e.topicPartition(), e.offset());
            consumer.seek(e.topicPartition(), e.offset() + 1);
            return;
        }
        handle(records);
        lastPoll = Instant.now();
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the thread is polling; false before start and once it stopped on an error. */
    public boolean isRunning() {
        return thread.isAlive() && failure == null;
    }

    /** When the last poll's records were handled; the construction time until then. */
    public Instant lastPoll() {
        return lastPoll;
    }

    /** Why the thread stopped, or null. */
    public @Nullable Throwable failure() {
        return failure;
    }

    @Override
    public synchronized void close() {
        running = false;
        if (clientMetrics != null) {
            clientMetrics.close();
        }
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(CLOSE_TIMEOUT);
            return;
        }
        consumer.wakeup();
        try {
            thread.join(JOIN_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
