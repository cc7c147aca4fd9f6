package io.socialink.analytics.topology;

import io.socialink.schemas.avro.MessageMetadata;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jspecify.annotations.Nullable;

/**
 * Turns {@code metadata.messages} (keyed by messageId, so every event of a message comes here, in order) into facts:
 * one message of its kind per messageId (a 1:1 message, or a Note to Self when it was addressed to its sender),
 * the SENT→DELIVERED and DELIVERED→READ time of each device copy, and the devices active on each day (the sender
 * of a SENT, the recipient of a DELIVERED or READ). Metadata is delivered at least once: a repeated event adds
 * nothing, because the message counted and each copy's times are remembered (for {@code keep}, then forgotten).
 */
final class MessageFacts implements Processor<String, MessageMetadata, String, String> {

    static final String COUNTED = "counted-messages";
    static final String COPIES = "copy-times";
    private static final Duration PURGE_EVERY = Duration.ofHours(1);

    private final Duration keep;
    private ProcessorContext<String, String> context;
    private KeyValueStore<String, Long> counted;
    private KeyValueStore<String, String> copies;

    MessageFacts(Duration keep) {
        this.keep = keep;
    }

    @Override
    public void init(ProcessorContext<String, String> context) {
        this.context = context;
        this.counted = context.getStateStore(COUNTED);
        this.copies = context.getStateStore(COPIES);
        context.schedule(PURGE_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> purge(Instant.ofEpochMilli(now)));
    }

    @Override
    public void process(Record<String, MessageMetadata> record) {
        MessageMetadata event = record.value();
        if (event == null) {
            return;
        }
        Instant at = event.getAt();
        String copy = event.getMessageId() + "|" + event.getRecipientUserId() + "." + event.getRecipientDeviceId();
        switch (event.getEvent()) {
            case SENT -> {
                if (counted.putIfAbsent(event.getMessageId(), at.toEpochMilli()) == null) {
                    boolean noteToSelf = event.getSenderUserId().equals(event.getDestinationUserId());
                    emit(
                            record,
                            Fact.minute(at),
                            Fact.of(noteToSelf ? Fact.Type.NOTE_TO_SELF : Fact.Type.ONE_TO_ONE, 1));
                }
                CopyTimes times = CopyTimes.parse(copies.get(copy));
                if (times.sent() == null) {
                    copies.put(copy, times.withSent(at).format());
                }
                active(record, at, event.getSenderUserId() + "." + event.getSenderDeviceId());
            }
            case DELIVERED -> {
                CopyTimes times = CopyTimes.parse(copies.get(copy));
                if (times.delivered() == null) {
                    if (times.sent() != null) {
                        emit(record, Fact.minute(at), Fact.of(Fact.Type.SENT_TO_DELIVERED, millis(times.sent(), at)));
                    }
                    copies.put(copy, times.withDelivered(at).format());
                }
                active(record, at, event.getRecipientUserId() + "." + event.getRecipientDeviceId());
            }
            case READ -> {
                CopyTimes times = CopyTimes.parse(copies.get(copy));
                if (times.read() == null) {
                    if (times.delivered() != null) {
                        emit(
                                record,
                                Fact.minute(at),
                                Fact.of(Fact.Type.DELIVERED_TO_READ, millis(times.delivered(), at)));
                    }
                    copies.put(copy, times.withRead(at).format());
                }
                active(record, at, event.getRecipientUserId() + "." + event.getRecipientDeviceId());
            }
            default -> {
                // DELETED, EXPIRED, DROPPED: not among the figures yet
            }
        }
    }

    private void active(Record<String, MessageMetadata> record, Instant at, String device) {
        emit(record, Fact.day(at), new Fact(Fact.Type.ACTIVE_DEVICE, Fact.subject(device), 1));
    }

    private void emit(Record<String, MessageMetadata> record, String figure, Fact fact) {
        context.forward(record.withKey(figure).withValue(fact.encode()));
    }

    private static long millis(Instant from, Instant to) {
        return Math.max(0, to.toEpochMilli() - from.toEpochMilli());
    }

    private void purge(Instant now) {
        long before = now.minus(keep).toEpochMilli();
        try (KeyValueIterator<String, Long> all = counted.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value < before) {
                    counted.delete(entry.key);
                }
            });
        }
        try (KeyValueIterator<String, String> all = copies.all()) {
            all.forEachRemaining(entry -> {
                if (CopyTimes.parse(entry.value).latest() < before) {
                    copies.delete(entry.key);
                }
            });
        }
    }

    /** When a copy was sent, delivered and read, as far as seen: "sent,delivered,read" in epoch ms, blank unknown. */
    record CopyTimes(
            @Nullable Instant sent,
            @Nullable Instant delivered,
            @Nullable Instant read) {

        static CopyTimes parse(@Nullable String value) {
            if (value == null) {
                return new CopyTimes(null, null, null);
            }
            String[] parts = value.split(",", -1);
            return new CopyTimes(instant(parts[0]), instant(parts[1]), instant(parts[2]));
        }

        private static @Nullable Instant instant(String millis) {
            return millis.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(millis));
        }

        CopyTimes withSent(Instant at) {
            return new CopyTimes(at, delivered, read);
        }

        CopyTimes withDelivered(Instant at) {
            return new CopyTimes(sent, at, read);
        }

        CopyTimes withRead(Instant at) {
            return new CopyTimes(sent, delivered, at);
        }

        long latest() {
            long latest = 0;
            for (Instant at : new Instant[] {sent, delivered, read}) {
                if (at != null) {
                    latest = Math.max(latest, at.toEpochMilli());
                }
            }
            return latest;
        }

        String format() {
            return text(sent) + "," + text(delivered) + "," + text(read);
        }

        private static String text(@Nullable Instant at) {
            return at == null ? "" : String.valueOf(at.toEpochMilli());
        }
    }
}
