package io.socialink.client.e2e;

import io.socialink.client.socket.DeviceEvent;
import io.socialink.client.socket.DeviceSocketListener;
import io.socialink.client.socket.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** What one device received, in arrival order, after the client's duplicate dropping. */
class Inbox implements DeviceSocketListener {

    private final List<Envelope> envelopes = new ArrayList<>();
    /** When each text first arrived ({@link System#nanoTime()}). */
    private final Map<String, Long> arrivals = new HashMap<>();

    private final AtomicInteger queueEmptyFrames = new AtomicInteger();
    private final List<DeviceEvent> events = new ArrayList<>();

    @Override
    public synchronized void onEvent(DeviceEvent event) {
        events.add(event);
        notifyAll();
    }

    /** Waits until an event of {@code type} matching {@code wanted} arrived; null after the timeout. */
    synchronized DeviceEvent awaitEvent(String type, Predicate<DeviceEvent> wanted, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (DeviceEvent event : events) {
                if (event.type().equals(type) && wanted.test(event)) {
                    return event;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    synchronized void clearEvents() {
        events.clear();
    }

    @Override
    public synchronized void onEnvelope(Envelope envelope) {
        envelopes.add(envelope);
        arrivals.putIfAbsent(new String(envelope.content(), StandardCharsets.UTF_8), System.nanoTime());
        notifyAll();
    }

    @Override
    public void onQueueEmpty() {
        queueEmptyFrames.incrementAndGet();
    }

    synchronized List<Envelope> envelopes() {
        return List.copyOf(envelopes);
    }

    synchronized List<String> texts() {
        return envelopes.stream()
                .map(e -> new String(e.content(), StandardCharsets.UTF_8))
                .toList();
    }

    /** Each text received, with when it first arrived ({@link System#nanoTime()}). */
    synchronized Map<String, Long> envelopeTimes() {
        return Map.copyOf(arrivals);
    }

    int queueEmptyFrames() {
        return queueEmptyFrames.get();
    }

    /** Waits until at least {@code count} envelopes arrived or the timeout passed; returns what arrived. */
    synchronized List<String> awaitTexts(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (envelopes.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return texts();
    }

    static List<String> texts(String prefix, int count) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            texts.add(prefix + i);
        }
        return texts;
    }
}
