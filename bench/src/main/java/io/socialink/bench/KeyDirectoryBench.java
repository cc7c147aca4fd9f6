package io.socialink.bench;

import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.auth.PlatformTokens;
import io.socialink.client.keys.DeviceKeyMaterial;
import io.socialink.client.signal.DecryptedMessage;
import io.socialink.client.signal.SecureMessenger;
import io.socialink.client.socket.DeviceSocket;
import io.socialink.client.store.SignalFileStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Benchmark of the key directory and of encrypted messaging against one local gateway, in three bounded phases:
 * <ol>
 *   <li>registration latency: fresh users register one device each with real keys (generated beforehand, so only
 *   the request is timed), one at a time;</li>
 *   <li>bundle fetches: requester devices fetch the registered users' bundles with bounded concurrency (closed
 *   loop), each requester → target pair as rarely as possible so the anti-drain limit is not what is measured;
 *   429s are counted apart;</li>
 *   <li>encrypted send → decrypt: one device encrypts and sends to another, which receives it on its socket and
 *   decrypts it; one message at a time, timed from before encryption to after decryption.</li>
 * </ol>
 */
public final class KeyDirectoryBench {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MESSAGE_TIMEOUT = Duration.ofSeconds(10);
    private static final int WARMUP_MESSAGES = 5;

    private final KeyBenchOptions options;
    private final PrintWriter out;

    public KeyDirectoryBench(KeyBenchOptions options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    /** Runs the phases and answers the report as text. */
    public String run() throws InterruptedException {
        LoadGenerator.checkLoopback(options.server(), options.allowRemote());
        long deadline = System.nanoTime() + options.timeLimit().toNanos();
        ExecutorService executor = Executors.newFixedThreadPool(options.concurrency(), runnable -> {
            Thread thread = new Thread(runnable, "bench-keys");
            thread.setDaemon(true);
            return thread;
        });
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        SocialinkClient client =
                new SocialinkClient(options.server(), http, PlatformTokens.fromEnvironment(), REQUEST_TIMEOUT);
        String run = "kb-" + Long.toString(System.currentTimeMillis(), 36) + "-"
                + UUID.randomUUID().toString().substring(0, 6);
        StringBuilder report = new StringBuilder();
        try {
            List<DeviceCredentials> targets = registrations(client, run, deadline, report);
            fetches(client, run, targets, executor, deadline, report);
            encryptedMessages(client, run, deadline, report);
        } finally {
            executor.shutdownNow();
        }
        return report.toString();
    }

    private List<DeviceCredentials> registrations(
            SocialinkClient client, String run, long deadline, StringBuilder report) {
        long generationStart = System.nanoTime();
        List<DeviceKeyMaterial> keys = new ArrayList<>();
        for (int i = 0; i < options.registrations() && System.nanoTime() < deadline; i++) {
            keys.add(DeviceKeyMaterial.generate(options.preKeys()));
        }
        double generationMillis = (System.nanoTime() - generationStart) / 1e6 / Math.max(1, keys.size());
        LatencyRecorder latency = new LatencyRecorder();
        List<DeviceCredentials> devices = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < keys.size() && System.nanoTime() < deadline; i++) {
            long before = System.nanoTime();
            devices.add(client.register(run + "-t" + i, keys.get(i).publicKeys()));
            latency.record(before, System.nanoTime());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        LatencySummary summary = LatencySummary.of(latency.cumulative());
        line(
                report,
                "registration: %d devices with %d+%d one-time prekeys, %.0f/s sequential, latency p50 %.2f"
                        + " p99 %.2f max %.2f ms (key generation %.2f ms per device, not timed)",
                devices.size(),
                options.preKeys(),
                options.preKeys(),
                devices.size() / Math.max(seconds, 1e-9),
                summary.p50Millis(),
                summary.p99Millis(),
                summary.maxMillis(),
                generationMillis);
        return devices;
    }

    private void fetches(
            SocialinkClient client,
            String run,
            List<DeviceCredentials> targets,
            ExecutorService executor,
            long deadline,
            StringBuilder report)
            throws InterruptedException {
        if (options.fetches() == 0 || targets.isEmpty()) {
            return;
        }
        List<DeviceCredentials> requesters = new ArrayList<>();
        for (int i = 0; i < options.requesters() && System.nanoTime() < deadline; i++) {
            requesters.add(client.register(run + "-q" + i, 0));
        }
        LatencyRecorder latency = new LatencyRecorder();
        Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        LongAdder withPreKey = new LongAdder();
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(options.concurrency());
        long start = System.nanoTime();
        int submitted = 0;
        for (int i = 0; i < options.fetches() && System.nanoTime() < deadline; i++) {
            inFlight.acquire();
            DeviceCredentials requester = requesters.get(i % requesters.size());
            DeviceCredentials target = targets.get((i / requesters.size() + i) % targets.size());
            submitted++;
            executor.execute(() -> {
                long before = System.nanoTime();
                try {
                    var bundles = client.bundle(requester, target.userId());
                    latency.record(before, System.nanoTime());
                    if (bundles.devices().stream().anyMatch(device -> device.preKey() != null)) {
                        withPreKey.increment();
                    }
                    outcomes.computeIfAbsent("200", key -> new LongAdder()).increment();
                } catch (RuntimeException e) {
                    outcomes.computeIfAbsent(LoadGenerator.classify(e), key -> new LongAdder())
                            .increment();
                } finally {
                    inFlight.release();
                }
            });
        }
        inFlight.acquire(options.concurrency());
        inFlight.release(options.concurrency());
        double seconds = (System.nanoTime() - start) / 1e9;
        LatencySummary summary = LatencySummary.of(latency.cumulative());
        Map<String, Long> counts = new TreeMap<>();
        outcomes.forEach((kind, count) -> counts.put(kind, count.sum()));
        line(
                report,
                "bundle fetch: %d fetches by %d requesters of %d users, concurrency %d: %.0f ok/s, latency p50"
                        + " %.2f p99 %.2f p99.9 %.2f max %.2f ms, %d with a one-time EC prekey, outcomes %s",
                submitted,
                requesters.size(),
                targets.size(),
                options.concurrency(),
                counts.getOrDefault("200", 0L) / Math.max(seconds, 1e-9),
                summary.p50Millis(),
                summary.p99Millis(),
                summary.p999Millis(),
                summary.maxMillis(),
                withPreKey.sum(),
                counts);
    }

    private void encryptedMessages(SocialinkClient client, String run, long deadline, StringBuilder report)
            throws InterruptedException {
        if (options.messages() == 0) {
            return;
        }
        Path stores = createTempDirectory();
        try {
            SecureMessenger alice = messenger(client, run + "-alice", stores.resolve("alice"));
            SecureMessenger bob = messenger(client, run + "-bob", stores.resolve("bob"));
            BlockingQueue<DecryptedMessage> received = new LinkedBlockingQueue<>();
            LatencyRecorder sendToDecrypt = new LatencyRecorder();
            LatencyRecorder sendToCreated = new LatencyRecorder();
            int timedOut = 0;
            int measured = 0;
            try (DeviceSocket socket = DeviceSocket.connect(client, bob.device(), bob.listener(received::add))) {
                socket.awaitQueueEmpty(MESSAGE_TIMEOUT);
                for (int i = 0; i < options.messages() + WARMUP_MESSAGES && System.nanoTime() < deadline; i++) {
                    byte[] plaintext = ByteBuffer.allocate(64).putLong(i).array();
                    long before = System.nanoTime();
                    alice.send(bob.device().userId(), plaintext);
                    long created = System.nanoTime();
                    DecryptedMessage message = awaitSequence(received, i);
                    long decrypted = System.nanoTime();
                    if (message == null) {
                        timedOut++;
                    } else if (i >= WARMUP_MESSAGES) {
                        sendToCreated.record(before, created);
                        sendToDecrypt.record(before, decrypted);
                        measured++;
                    }
                }
            } finally {
                alice.close();
                bob.close();
            }
            LatencySummary created = LatencySummary.of(sendToCreated.cumulative());
            LatencySummary decrypt = LatencySummary.of(sendToDecrypt.cumulative());
            line(
                    report,
                    "encrypted send->decrypt: %d messages one at a time (after %d warm-up), encrypt+send->201"
                            + " p50 %.2f p99 %.2f ms, encrypt->decrypted on the other device p50 %.2f p99 %.2f"
                            + " max %.2f ms, %d timed out",
                    measured,
                    WARMUP_MESSAGES,
                    created.p50Millis(),
                    created.p99Millis(),
                    decrypt.p50Millis(),
                    decrypt.p99Millis(),
                    decrypt.maxMillis(),
                    timedOut);
        } finally {
            deleteRecursively(stores);
        }
    }

    private static DecryptedMessage awaitSequence(BlockingQueue<DecryptedMessage> received, long sequence)
            throws InterruptedException {
        long deadline = System.nanoTime() + MESSAGE_TIMEOUT.toNanos();
        while (true) {
            DecryptedMessage message = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (message == null || ByteBuffer.wrap(message.plaintext()).getLong() == sequence) {
                return message;
            }
        }
    }

    private static SecureMessenger messenger(SocialinkClient client, String userId, Path directory) {
        DeviceKeyMaterial keys = DeviceKeyMaterial.generate(10);
        DeviceCredentials device = client.register(userId, keys.publicKeys());
        return new SecureMessenger(client, device, SignalFileStore.create(directory, keys));
    }

    private void line(StringBuilder report, String format, Object... arguments) {
        String text = String.format(Locale.ROOT, format, arguments);
        report.append(text).append('\n');
        out.println(text);
        out.flush();
    }

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("bench-keys");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a leftover temporary directory holds only this run's throwaway keys
        }
    }
}
