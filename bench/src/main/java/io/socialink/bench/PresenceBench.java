package io.socialink.bench;

import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.socket.CloseStatus;
import io.socialink.client.socket.DeviceEvent;
import io.socialink.client.socket.DeviceSocket;
import io.socialink.client.socket.DeviceSocketListener;
import io.socialink.client.socket.Envelope;
import io.socialink.client.socket.ReconnectListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.HdrHistogram.Histogram;

/**
 * Presence benchmark against a running system (gateway, delivery-worker, presence-service): one viewer device follows
 * {@code subjects} users over its socket; the subjects' devices connect and disconnect on an open-loop schedule of
 * {@code rate} changes per second (round robin, so one subject changes every {@code subjects / rate} seconds; the
 * subjects' sockets are {@link ChurnSocket}s: a real upgrade and close, nothing read in between), and
 * each change's latency is the time from the change's start (the connect call, the close call) to the viewer's
 * {@code presence} frame with the new state. Then {@code countCalls} sequential {@code GET /online-count} calls are
 * timed (the script seeds the online set first).
 */
public final class PresenceBench {

    /** The bench's settings. */
    public record Options(URI server, int subjects, int rate, Duration duration, int countCalls, boolean allowRemote) {}

    private record Pending(long startedNanos, boolean online) {}

    private static final Duration DRAIN = Duration.ofSeconds(10);
    private static final int SUBJECT_PREKEYS = 10;

    private final Options options;
    private final PrintWriter out;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final LatencyRecorder latencies = new LatencyRecorder();
    private final AtomicInteger superseded = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final CountDownLatch snapshot = new CountDownLatch(1);
    private final List<String> viewerCloses = new CopyOnWriteArrayList<>();

    public PresenceBench(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    public void run() throws InterruptedException {
        LoadGenerator.checkLoopback(options.server(), options.allowRemote());
        SocialinkClient client = new SocialinkClient(options.server());
        // the viewer reads on a selector thread of its own (a JDK HttpClient reads all its sockets on one)
        SocialinkClient viewerClient = new SocialinkClient(options.server());
        String prefix = BenchDevices.runId("presence");
        // as many one-time prekeys as the server's default low mark: like apps that keep theirs topped up, the
        // subjects get no low-prekeys event on each connect
        List<DeviceCredentials> subjects =
                BenchDevices.register(client, prefix + "-s", options.subjects(), SUBJECT_PREKEYS);
        DeviceCredentials viewer = client.register(prefix + "-viewer", 0);
        out.println("setup: " + subjects.size() + " subjects and a viewer registered");
        out.flush();
        try (DeviceSocket viewerSocket = DeviceSocket.connect(viewerClient, viewer, new Viewer())) {
            viewerSocket.subscribePresence(
                    subjects.stream().map(DeviceCredentials::userId).toList());
            if (!snapshot.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no presence-snapshot within 30 s");
            }
            churn(subjects);
            out.println("viewer socket: " + viewerSocket.reconnects()
                    + " reconnects (a reconnected socket follows no one: its later changes go unseen); closed by "
                    + (viewerCloses.isEmpty() ? "nothing" : String.join(", ", viewerCloses)));
            out.flush();
            measureOnlineCount(client, viewer);
        }
    }

    private void churn(List<DeviceCredentials> subjects) throws InterruptedException {
        AtomicReferenceArray<ChurnSocket> sockets = new AtomicReferenceArray<>(subjects.size());
        long changes = options.rate() * options.duration().toSeconds();
        ExecutorService workers = Executors.newFixedThreadPool(64, LoadGenerator.daemonThreads("presence-churn"));
        long start = System.nanoTime();
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / options.rate();
        for (long k = 0; k < changes; k++) {
            long due = start + k * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int index = (int) (k % subjects.size());
            DeviceCredentials subject = subjects.get(index);
            workers.execute(() -> change(subject, sockets, index, due));
        }
        workers.shutdown();
        workers.awaitTermination(60, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        LatencySummary summary = LatencySummary.of(latencies.cumulative());
        out.printf(
                "churn: %d changes scheduled at %d/s over %.1f s (%.0f/s done); change->presence frame p50 %.1f ms"
                        + " p99 %.1f ms p99.9 %.1f ms max %.1f ms (n=%d); not seen within %d s: %d;"
                        + " superseded before seen: %d; failed changes: %d%n",
                changes,
                options.rate(),
                seconds,
                changes / seconds,
                summary.p50Millis(),
                summary.p99Millis(),
                summary.p999Millis(),
                summary.maxMillis(),
                summary.count(),
                DRAIN.toSeconds(),
                pending.size(),
                superseded.get(),
                failed.get());
        out.flush();
        for (int i = 0; i < subjects.size(); i++) {
            ChurnSocket socket = sockets.getAndSet(i, null);
            if (socket != null) {
                socket.close();
            }
        }
    }

    private void change(DeviceCredentials subject, AtomicReferenceArray<ChurnSocket> sockets, int index, long due) {
        try {
            ChurnSocket socket = sockets.get(index);
            boolean online = socket == null;
            if (pending.put(subject.userId(), new Pending(due, online)) != null) {
                superseded.incrementAndGet();
            }
            if (online) {
                sockets.set(index, ChurnSocket.connect(options.server(), subject));
            } else {
                sockets.set(index, null);
                socket.close();
            }
        } catch (IOException | RuntimeException e) {
            failed.incrementAndGet();
        }
    }

    private void measureOnlineCount(SocialinkClient client, DeviceCredentials viewer) {
        Histogram micros = new Histogram(3);
        long online = -1;
        for (int i = 0; i < options.countCalls(); i++) {
            long started = System.nanoTime();
            online = client.onlineCount(viewer);
            micros.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - started));
        }
        LatencySummary summary = LatencySummary.of(micros);
        out.printf(
                "online-count: %d sequential calls, %d online; p50 %.2f ms p99 %.2f ms max %.2f ms%n",
                summary.count(), online, summary.p50Millis(), summary.p99Millis(), summary.maxMillis());
        out.flush();
    }

    /** The viewer: matches each presence frame with the change it reports. */
    private final class Viewer implements DeviceSocketListener, ReconnectListener {

        @Override
        public void onDisconnected(CloseStatus status) {
            viewerCloses.add(status.code() + " " + status.reason());
        }

        @Override
        public void onEnvelope(Envelope envelope) {}

        @Override
        public void onEvent(DeviceEvent event) {
            long now = System.nanoTime();
            if (event.type().equals("presence-snapshot")) {
                snapshot.countDown();
                return;
            }
            if (!event.type().equals("presence")) {
                return;
            }
            String user = event.attributes().get("userId");
            boolean online = "true".equals(event.attributes().get("online"));
            Pending change = user == null ? null : pending.get(user);
            if (change != null && change.online() == online && pending.remove(user, change)) {
                latencies.record(change.startedNanos(), now);
            }
        }
    }
}
