package io.socialink.bench;

import io.socialink.client.api.CallStatus;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.calls.CallSignal;
import io.socialink.client.calls.SecureCalls;
import io.socialink.client.keys.DeviceKeyMaterial;
import io.socialink.client.signal.SecureMessenger;
import io.socialink.client.socket.CallFrame;
import io.socialink.client.socket.CloseStatus;
import io.socialink.client.socket.DeviceSocket;
import io.socialink.client.socket.DeviceSocketListener;
import io.socialink.client.socket.Envelope;
import io.socialink.client.store.SignalFileStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Call set-up benchmark against a running system (gateway, delivery-worker, call-signaling): {@code calls} caller
 * users and as many callee users, one device each with real libsignal keys and an open socket; then every caller
 * calls its callee at once ({@code calls} concurrent set-ups), each timed step by step: {@code initiate} (the REST
 * call, the offer encrypted for the callee's device), {@code ring} (from the initiate's start to the decrypted
 * {@code ring} frame on the callee), {@code answer} (the REST call, the answer encrypted for the caller's device),
 * {@code accepted} (from the answer's start to the decrypted {@code accepted} frame on the caller) and
 * {@code total} (initiate start to accepted frame). The sessions are started (bundles fetched) before the timed
 * part; encryption and decryption are real and run in this process, on {@code threads} threads. The calls are
 * ended afterwards.
 */
public final class CallSetupBench {

    /** The bench's settings. */
    public record Options(
            URI server, int calls, int threads, int setupConcurrency, Duration timeout, boolean allowRemote) {}

    /** Sockets per HTTP client: the JDK client reads all its sockets on one selector thread. */
    private static final int SOCKETS_PER_CLIENT = 250;

    private final Options options;
    private final PrintWriter out;
    private final LatencyRecorder initiateLatency = new LatencyRecorder();
    private final LatencyRecorder ringLatency = new LatencyRecorder();
    private final LatencyRecorder answerLatency = new LatencyRecorder();
    private final LatencyRecorder acceptedLatency = new LatencyRecorder();
    private final LatencyRecorder totalLatency = new LatencyRecorder();
    private final Map<String, LatencyRecorder> steps = new LinkedHashMap<>();
    private final ErrorCounts errors = new ErrorCounts();
    private final AtomicInteger undecryptable = new AtomicInteger();
    private final List<Party> parties = new ArrayList<>();
    private @Nullable ExecutorService work;
    /** Counted down once per call set-up that completed or failed. */
    private final CountDownLatch completed;

    public CallSetupBench(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
        steps.put("initiate", initiateLatency);
        steps.put("ring", ringLatency);
        steps.put("answer", answerLatency);
        steps.put("accepted", acceptedLatency);
        steps.put("total", totalLatency);
        completed = new CountDownLatch(options.calls());
    }

    /** Runs the bench; answers the JSON report (the text report was printed). */
    public String run() throws InterruptedException, IOException {
        LoadGenerator.checkLoopback(options.server(), options.allowRemote());
        Path stores = Files.createTempDirectory("bench-calls");
        int clients = Math.max(1, (2 * options.calls() + SOCKETS_PER_CLIENT - 1) / SOCKETS_PER_CLIENT);
        List<BenchHttp> https = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            https.add(new BenchHttp(options.server(), 4, Duration.ofSeconds(60)));
        }
        work = Executors.newFixedThreadPool(options.threads(), LoadGenerator.daemonThreads("bench-calls"));
        try {
            setUp(https, stores);
            return measure();
        } finally {
            parties.forEach(Party::close);
            work.shutdownNow();
            https.forEach(BenchHttp::shutdownNow);
            deleteQuietly(stores);
        }
    }

    private void setUp(List<BenchHttp> https, Path stores) throws InterruptedException {
        String prefix = BenchDevices.runId("calls");
        long started = System.nanoTime();
        ExecutorService setup =
                Executors.newFixedThreadPool(options.setupConcurrency(), LoadGenerator.daemonThreads("calls-setup"));
        try {
            List<Future<Party[]>> pairs = new ArrayList<>();
            for (int i = 0; i < options.calls(); i++) {
                int index = i;
                pairs.add(setup.submit(() -> {
                    Party caller = Party.register(
                            https.get((2 * index) % https.size()).client(), prefix + "-a" + index, stores, true);
                    Party callee = Party.register(
                            https.get((2 * index + 1) % https.size()).client(), prefix + "-b" + index, stores, false);
                    caller.peer = callee;
                    callee.peer = caller;
                    caller.connect(this);
                    callee.connect(this);
                    // the session is started before the timed part: a first call also fetches a bundle
                    caller.messenger.startSessions(
                            callee.device.userId(),
                            caller.client
                                    .bundle(caller.device, callee.device.userId())
                                    .devices());
                    return new Party[] {caller, callee};
                }));
            }
            for (Future<Party[]> pair : pairs) {
                try {
                    Party[] both = pair.get(10, TimeUnit.MINUTES);
                    parties.add(both[0]);
                    parties.add(both[1]);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException("setup failed: " + e.getMessage(), e);
                }
            }
        } finally {
            setup.shutdownNow();
        }
        List<DeviceSocket> sockets = parties.stream().map(party -> party.socket).toList();
        BenchDevices.awaitQueueEmpty(sockets, Duration.ofSeconds(60));
        out.printf(
                Locale.ROOT,
                "setup: %d callers and %d callees registered with real keys, sockets open, sessions started in %.1f s%n",
                options.calls(),
                options.calls(),
                (System.nanoTime() - started) / 1e9);
        out.flush();
    }

    private String measure() throws InterruptedException {
        List<Party> callers = parties.stream().filter(party -> party.caller()).toList();
        CountDownLatch go = new CountDownLatch(1);
        double cpuBefore = processCpuSeconds();
        long started = System.nanoTime();
        for (Party caller : callers) {
            work().execute(() -> {
                try {
                    go.await();
                    caller.startedNanos = System.nanoTime();
                    CallStatus status =
                            caller.calls.initiate(caller.peer().device.userId(), "video", offer());
                    initiateLatency.record(caller.startedNanos, System.nanoTime());
                    caller.callId = status.callId();
                    if (status.ended()) {
                        errors.count("initiate-" + status.outcome());
                        completed.countDown();
                    }
                } catch (RuntimeException | InterruptedException e) {
                    errors.count("initiate " + LoadGenerator.classify(e));
                    completed.countDown();
                }
            });
        }
        go.countDown();
        boolean all = completed.await(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpuSeconds = processCpuSeconds() - cpuBefore;
        long done = totalLatency.cumulative().getTotalCount();
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT,
                "calls: %d concurrent set-ups, %d complete in %.1f s%s; errors %s; undecryptable %d%n",
                callers.size(),
                done,
                seconds,
                all ? "" : " (timed out after " + options.timeout().toSeconds() + " s)",
                errors.snapshot(),
                undecryptable.get()));
        text.append(String.format(
                Locale.ROOT,
                "  load generator: %.1f s CPU in %.1f s (%.1f of %d cores busy): encryption, decryption, HTTP and "
                        + "sockets of both sides%n",
                cpuSeconds,
                seconds,
                cpuSeconds / seconds,
                Runtime.getRuntime().availableProcessors()));
        ObjectNode json = JsonMapper.builder().build().createObjectNode();
        json.put("bench", "calls")
                .put("calls", callers.size())
                .put("complete", done)
                .put("seconds", seconds)
                .put("threads", options.threads())
                .put("undecryptable", undecryptable.get())
                .put("clientCpuSeconds", cpuSeconds)
                .put("cores", Runtime.getRuntime().availableProcessors());
        ObjectNode errorsJson = json.putObject("errors");
        errors.snapshot().forEach(errorsJson::put);
        ObjectNode stepsJson = json.putObject("steps");
        for (Map.Entry<String, LatencyRecorder> step : steps.entrySet()) {
            LatencySummary summary = LatencySummary.of(step.getValue().cumulative());
            text.append(String.format(
                    Locale.ROOT,
                    "  %-9s p50 %8.1f ms  p99 %8.1f ms  max %8.1f ms  (n=%d)%n",
                    step.getKey(),
                    summary.p50Millis(),
                    summary.p99Millis(),
                    summary.maxMillis(),
                    summary.count()));
            stepsJson
                    .putObject(step.getKey())
                    .put("count", summary.count())
                    .put("p50Millis", summary.p50Millis())
                    .put("p99Millis", summary.p99Millis())
                    .put("p999Millis", summary.p999Millis())
                    .put("maxMillis", summary.maxMillis());
        }
        out.print(text);
        out.flush();
        endCalls(callers);
        return json.toString();
    }

    /** Hangs every accepted call up (not timed), so that no one stays busy. */
    private void endCalls(List<Party> callers) throws InterruptedException {
        AtomicInteger ended = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(callers.size());
        for (Party caller : callers) {
            work().execute(() -> {
                try {
                    if (caller.callId != null) {
                        caller.calls.end(caller.callId);
                        ended.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    // a call that never became accepted may have ended already
                } finally {
                    all.countDown();
                }
            });
        }
        all.await(60, TimeUnit.SECONDS);
        out.println("ended: " + ended.get() + " calls hung up");
        out.flush();
    }

    /** A frame of the run on one party's socket. */
    private void onCall(Party party, CallSignal signal) {
        CallFrame frame = signal.frame();
        if (signal.error() != null) {
            undecryptable.incrementAndGet();
            return;
        }
        switch (frame.event()) {
            case CallFrame.RING -> {
                Party caller = party.peer();
                ringLatency.record(caller.startedNanos, System.nanoTime());
                // answered off the socket's thread, which must not block
                work().execute(() -> {
                    long answering = System.nanoTime();
                    caller.answeringNanos = answering;
                    try {
                        party.calls.answer(frame, answer());
                        answerLatency.record(answering, System.nanoTime());
                    } catch (RuntimeException e) {
                        errors.count("answer " + LoadGenerator.classify(e));
                        latch().countDown();
                    }
                });
            }
            case CallFrame.ACCEPTED -> {
                long now = System.nanoTime();
                acceptedLatency.record(party.answeringNanos, now);
                totalLatency.record(party.startedNanos, now);
                latch().countDown();
            }
            default -> {
                if (frame.isFinal() && !frame.event().equals(CallFrame.ENDED) && party.caller()) {
                    errors.count("call " + frame.event());
                    latch().countDown();
                }
            }
        }
    }

    private ExecutorService work() {
        if (work == null) {
            throw new IllegalStateException("not running");
        }
        return work;
    }

    private CountDownLatch latch() {
        return completed;
    }

    /** CPU time of this process so far (all threads), or 0 where the JVM does not tell. */
    private static double processCpuSeconds() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return 0;
    }

    private static String offer() {
        return "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=setup:actpass\r\na=mid:0\r\na=rtpmap:111 opus/48000/2\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=setup:actpass\r\na=mid:1\r\na=rtpmap:96 VP8/90000\r\n";
    }

    private static String answer() {
        return offer().replace("a=setup:actpass", "a=setup:active");
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory left behind
        }
    }

    /** One device of the run: a caller or a callee. */
    private static final class Party {

        final SocialinkClient client;
        final DeviceCredentials device;
        final SecureMessenger messenger;
        final SecureCalls calls;

        @Nullable
        Party peer;

        @Nullable
        DeviceSocket socket;

        volatile long startedNanos;
        volatile long answeringNanos;
        volatile java.util.@Nullable UUID callId;

        /** Set at registration: the run's prefix is random, so no part of a user id may tell the sides apart. */
        private final boolean caller;

        private Party(SocialinkClient client, DeviceCredentials device, SecureMessenger messenger, boolean caller) {
            this.client = client;
            this.device = device;
            this.messenger = messenger;
            this.calls = new SecureCalls(messenger);
            this.caller = caller;
        }

        static Party register(SocialinkClient client, String userId, Path stores, boolean caller) {
            DeviceKeyMaterial keys = DeviceKeyMaterial.generate(1);
            DeviceCredentials device = client.register(userId, keys.publicKeys());
            SignalFileStore store = SignalFileStore.create(stores.resolve(device.address()), keys);
            return new Party(client, device, new SecureMessenger(client, device, store), caller);
        }

        boolean caller() {
            return caller;
        }

        Party peer() {
            if (peer == null) {
                throw new IllegalStateException("no peer");
            }
            return peer;
        }

        void connect(CallSetupBench bench) {
            DeviceSocketListener ignoreMessages = new DeviceSocketListener() {
                @Override
                public void onEnvelope(Envelope envelope) {}

                @Override
                public void onClose(CloseStatus status) {}
            };
            socket = DeviceSocket.connect(
                    client, device, calls.listener(signal -> bench.onCall(this, signal), ignoreMessages));
        }

        void close() {
            if (socket != null) {
                socket.close();
            }
            messenger.close();
        }
    }
}
