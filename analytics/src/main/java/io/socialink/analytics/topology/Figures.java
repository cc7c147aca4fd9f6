package io.socialink.analytics.topology;

import io.socialink.analytics.metrics.AnalyticsMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the figures of each minute and day (its input is keyed by the figure, so one task holds each) and, once a
 * second, forwards the new JSON of each figure that changed, keyed {@code m:<minute>} or {@code d:<day>}; the
 * compacted output topics then hold the latest figures of every minute and day. A day's active devices and group sizes count each device
 * and group once (remembered per day). Figures older than {@code keep} are forgotten here (the topics keep them), and
 * facts for them are dropped.
 */
final class Figures implements Processor<String, String, String, String> {

    static final String MINUTES = "minute-figures";
    static final String DAYS = "day-figures";
    static final String DAY_DEVICES = "day-devices";
    static final String DAY_GROUPS = "day-group-sizes";
    /** The figures changed since they were last published; a store, so that it commits with them. */
    static final String CHANGED = "changed-figures";

    private static final Duration PURGE_EVERY = Duration.ofHours(1);
    static final Duration PUBLISH_EVERY = Duration.ofSeconds(1);

    private final Duration keep;
    private final AnalyticsMetrics metrics;
    private ProcessorContext<String, String> context;
    private KeyValueStore<String, byte[]> minutes;
    private KeyValueStore<String, byte[]> days;
    private KeyValueStore<String, Long> dayDevices;
    private KeyValueStore<String, Long> dayGroups;
    private KeyValueStore<String, Long> changed;

    Figures(Duration keep, AnalyticsMetrics metrics) {
        this.keep = keep;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, String> context) {
        this.context = context;
        this.minutes = context.getStateStore(MINUTES);
        this.days = context.getStateStore(DAYS);
        this.dayDevices = context.getStateStore(DAY_DEVICES);
        this.dayGroups = context.getStateStore(DAY_GROUPS);
        this.changed = context.getStateStore(CHANGED);
        context.schedule(PURGE_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> purge(Instant.ofEpochMilli(now)));
        context.schedule(PUBLISH_EVERY, PunctuationType.WALL_CLOCK_TIME, this::publish);
    }

    @Override
    public void process(Record<String, String> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        Fact fact = Fact.decode(record.value());
        String key = record.key();
        if (forgotten(key, Instant.ofEpochMilli(context.currentSystemTimeMs()))) {
            // a minute or day past keep (a replay, a very late event): its figures were published and forgotten,
            // and starting them again from nothing would overwrite them with a part
            return;
        }
        if (key.startsWith(Fact.MINUTE)) {
            MinuteFigures figures = MinuteFigures.fromBytes(minutes.get(key));
            figures.apply(fact);
            count(fact);
            minutes.put(key, figures.toBytes());
            changed.put(key, record.timestamp());
        } else if (key.startsWith(Fact.DAY)) {
            String day = key.substring(Fact.DAY.length());
            DayFigures figures = DayFigures.fromBytes(days.get(key));
            apply(day, figures, fact);
            days.put(key, figures.toBytes());
            changed.put(key, record.timestamp());
        }
    }

    private void count(Fact fact) {
        switch (fact.type()) {
            case ONE_TO_ONE -> metrics.message("one-to-one");
            case NOTE_TO_SELF -> metrics.message("note-to-self");
            case GROUP_MESSAGE -> metrics.message("group");
            case SENT_TO_DELIVERED -> metrics.sentToDelivered(fact.value());
            case DELIVERED_TO_READ -> metrics.deliveredToRead(fact.value());
            default -> {}
        }
    }

    private void apply(String day, DayFigures figures, Fact fact) {
        switch (fact.type()) {
            case ACTIVE_DEVICE -> {
                if (dayDevices.putIfAbsent(day + "|" + fact.subject(), 1L) == null) {
                    figures.activeDevices++;
                    metrics.deviceDay();
                }
            }
            case GROUP_CREATED -> {
                figures.groupsCreated += fact.value();
                metrics.groupChange("created", fact.value());
            }
            case DEVICES_ADDED -> {
                figures.devicesAdded += fact.value();
                metrics.groupChange("devices-added", fact.value());
            }
            case DEVICES_REMOVED -> {
                figures.devicesRemoved += fact.value();
                metrics.groupChange("devices-removed", fact.value());
            }
            case GROUP_SIZE -> {
                String group = day + "|" + fact.subject();
                Long before = dayGroups.get(group);
                if (before != null) {
                    figures.groupSizes[DayFigures.bucket(before)]--;
                }
                figures.groupSizes[DayFigures.bucket(fact.value())]++;
                dayGroups.put(group, fact.value());
            }
            case CALL_ENDED -> {
                int outcome = DayFigures.CALL_OUTCOMES.indexOf(fact.subject());
                if (outcome >= 0) {
                    figures.callsEnded[outcome] += fact.value();
                    metrics.callEnded(fact.subject(), fact.value());
                }
            }
            case CALL_DURATION -> figures.callMillis += fact.value();
            default -> throw new IllegalArgumentException("not a day's fact: " + fact.type());
        }
    }

    /**
     * Publishes each figure changed since the last time once, at its latest: one output record per minute or day
     * and second rather than one per fact. The changed keys are a store, so a crash neither loses nor repeats a
     * publication the committed figures call for.
     */
    private void publish(long now) {
        try (KeyValueIterator<String, Long> all = changed.all()) {
            all.forEachRemaining(entry -> {
                String key = entry.key;
                String json = key.startsWith(Fact.MINUTE)
                        ? MinuteFigures.fromBytes(minutes.get(key)).toJson(key.substring(Fact.MINUTE.length()))
                        : DayFigures.fromBytes(days.get(key)).toJson(key.substring(Fact.DAY.length()));
                context.forward(new Record<>(key, json, now));
                changed.delete(key);
            });
        }
    }

    private boolean forgotten(String key, Instant now) {
        Instant oldest = now.minus(keep);
        if (key.startsWith(Fact.MINUTE)) {
            return key.compareTo(Fact.minute(oldest)) < 0;
        }
        return key.compareTo(Fact.day(oldest)) < 0;
    }

    /** Forgets the figures, devices and groups of minutes and days that ended more than {@code keep} ago. */
    private void purge(Instant now) {
        LocalDate oldestDay = now.minus(keep).atZone(ZoneOffset.UTC).toLocalDate();
        String oldestMinute = Fact.minute(now.minus(keep));
        purge(minutes, key -> key.compareTo(oldestMinute) < 0);
        purge(days, key -> key.substring(Fact.DAY.length()).compareTo(oldestDay.toString()) < 0);
        purge(dayDevices, key -> key.substring(0, key.indexOf('|')).compareTo(oldestDay.toString()) < 0);
        purge(dayGroups, key -> key.substring(0, key.indexOf('|')).compareTo(oldestDay.toString()) < 0);
    }

    private static <V> void purge(KeyValueStore<String, V> store, java.util.function.Predicate<String> old) {
        try (KeyValueIterator<String, V> all = store.all()) {
            all.forEachRemaining(entry -> {
                if (old.test(entry.key)) {
                    store.delete(entry.key);
                }
            });
        }
    }
}
