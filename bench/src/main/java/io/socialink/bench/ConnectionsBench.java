package io.socialink.bench;

import io.socialink.client.api.OutgoingCopy;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.auth.PlatformTokens;
import io.socialink.client.socket.DeviceSocket;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * The idle-connections benchmark: registers {@code devices} devices, opens one authenticated WebSocket per device,
 * spread round robin over one or more gateway nodes at a paced rate, and holds them idle with the client's
 * keep-alive; then, optionally, sends one message to every device and times its arrival. A socket that ends is
 * reopened after a random delay below the jitter, to another node picked at random, so the devices of a killed node
 * (or the upgrades a slow node timed out) spread over the others without a thundering herd, and do not all land on
 * one node and fill it to its connection cap; each such wave is reported. The bench kills nothing itself: a
 * script kills a node while it holds ({@code --until-file}).
 *
 * <p>The sockets are {@link IdleSocket}s read by a few {@link SocketReactor} threads, so that one process holds
 * 20,000 of them in a small heap; the upgrades are blocking, on a small pool of connector threads.
 */
public final class ConnectionsBench {

    /** The bench's settings; {@code reconnectJitter} null turns reconnecting off. */
    public record Options(
            List<URI> servers,
            int devices,
            int registerThreads,
            int connectRate,
            int sourceAddresses,
            Duration hold,
            boolean deliver,
            Duration deliverTimeout,
            @Nullable Duration reconnectJitter,
            @Nullable String prefix,
            Duration keepAlive,
            @Nullable Path untilFile,
            @Nullable Path reuseFile,
            boolean allowRemote) {}

    /** As many one-time prekeys as the server's default low mark: no low-prekeys event at each connect. */
    private static final int PREKEYS = 10;

    private static final int REACTORS = 2;
    /** Upgrades are blocking and wait for the gateway's credential check: enough threads to keep the rate up. */
    private static final int CONNECTORS = 64;

    private static final int SENDS_IN_FLIGHT = 64;
    /**
     * The delivery phase sends from this many devices, each over its own socket: a socket's sends are produced in
     * order, one after the other, so one sender device is held to about one send per gateway round trip.
     */
    private static final int DELIVER_SENDERS = 16;

    private static final Duration SENDER_TIMEOUT = Duration.ofSeconds(30);

    private static final long PROGRESS_SECONDS = 10;
    private static final long MIN_RETRY_MILLIS = 100;

    private final Options options;
    private final PrintWriter out;
    private final SocketCounters counters = new SocketCounters();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicIntegerArray openPerServer;
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder ended = new LongAdder();
    private final LongAdder firstOpened = new LongAdder();
    private final AtomicLong lastFirstAttemptNanos = new AtomicLong();
    private final LatencyRecorder upgradeLatencies = new LatencyRecorder();
    private final Map<String, LongAdder> connectFailures = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> endReasons = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> reconnectFailures = new ConcurrentHashMap<>();
    private final List<InetSocketAddress> targets = new ArrayList<>();
    private final InetAddress @Nullable [] sources;
    private final ReconnectWaves waves;
    private final ExecutorService connectors =
            Executors.newFixedThreadPool(CONNECTORS, LoadGenerator.daemonThreads("connections-connect"));
    private final ScheduledExecutorService timers =
            Executors.newScheduledThreadPool(1, LoadGenerator.daemonThreads("connections-timer"));
    private final SocketReactor[] reactors = new SocketReactor[REACTORS];
    private final Events events = new Events();
    private volatile boolean holding;
    private volatile boolean stopping;
    private @Nullable CountDownLatch firstAttempts;
    private volatile @Nullable Delivery delivery;

    public ConnectionsBench(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
        this.openPerServer = new AtomicIntegerArray(options.servers().size());
        this.waves = new ReconnectWaves(out, options.devices());
        this.sources = sourceAddresses(options.sourceAddresses());
    }

    public void run() throws InterruptedException, IOException {
        for (URI server : options.servers()) {
            LoadGenerator.checkLoopback(server, options.allowRemote());
            targets.add(resolve(server, sources != null));
        }
        BenchHttp http =
                new BenchHttp(options.servers().get(0), Math.max(4, options.registerThreads()), Duration.ofSeconds(30));
        try {
            String prefix = options.prefix() != null ? options.prefix() : BenchDevices.runId("conn");
            List<DeviceCredentials> devices = devices(http.client(), prefix);
            List<DeviceCredentials> senders = new ArrayList<>();
            for (int k = 0; options.deliver() && k < DELIVER_SENDERS; k++) {
                senders.add(http.client().register(prefix + "-sender-" + k, 0));
            }
            for (int i = 0; i < reactors.length; i++) {
                reactors[i] = new SocketReactor(options.keepAlive().toNanos(), events, counters);
                Thread thread = new Thread(reactors[i], "connections-reactor-" + (i + 1));
                thread.setDaemon(true);
                thread.start();
            }
            IdleSocket[] sockets = new IdleSocket[devices.size()];
            for (int i = 0; i < sockets.length; i++) {
                sockets[i] = new IdleSocket(i, devices.get(i), i % targets.size());
            }
            long start = System.nanoTime();
            timers.scheduleAtFixedRate(new HoldProgress(start), PROGRESS_SECONDS, PROGRESS_SECONDS, TimeUnit.SECONDS);
            connectAll(sockets, start);
            holding = true;
            hold();
            if (!senders.isEmpty()) {
                deliver(http, senders, sockets);
            }
            waves.reportUnfinished(open.get(), System.nanoTime());
            out.printf(
                    "end: %d of %d open, %d ended (%s), %d reopened, %d reconnect waves, pings %d, pongs %d,"
                            + " envelopes %d%n",
                    open.get(),
                    sockets.length,
                    ended.sum(),
                    counts(endReasons),
                    reconnects.sum(),
                    waves.waves(),
                    counters.pingsSent.sum(),
                    counters.pongs.sum(),
                    counters.envelopes.sum());
            out.flush();
        } finally {
            stopping = true;
            timers.shutdownNow();
            connectors.shutdownNow();
            for (SocketReactor reactor : reactors) {
                if (reactor != null) {
                    reactor.stop();
                }
            }
            http.shutdownNow();
        }
    }

    // ---- registration

    private List<DeviceCredentials> devices(SocialinkClient client, String prefix) throws InterruptedException {
        Path reuse = options.reuseFile();
        if (reuse != null && Files.exists(reuse)) {
            List<DeviceCredentials> saved = DeviceFile.load(reuse);
            if (saved.size() >= options.devices()) {
                out.printf("register: 0 devices, %d loaded from %s%n", options.devices(), reuse);
                out.flush();
                return saved.subList(0, options.devices());
            }
            out.printf(
                    "register: %s holds %d devices, fewer than %d: registering afresh%n",
                    reuse, saved.size(), options.devices());
        }
        List<DeviceCredentials> devices = register(client, prefix);
        if (reuse != null) {
            DeviceFile.save(reuse, devices);
        }
        return devices;
    }

    /** Registers the devices on {@code registerThreads} threads (the keys are generated on them too). */
    private List<DeviceCredentials> register(SocialinkClient client, String prefix) throws InterruptedException {
        int count = options.devices();
        DeviceCredentials[] registered = new DeviceCredentials[count];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(
                options.registerThreads(), LoadGenerator.daemonThreads("connections-register"));
        long start = System.nanoTime();
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(
                LoadGenerator.daemonThreads("connections-register-progress"));
        progress.scheduleAtFixedRate(
                () -> {
                    double seconds = (System.nanoTime() - start) / 1e9;
                    out.printf(
                            "register progress: %d/%d in %.0f s (%.0f/s)%n",
                            done.get(), count, seconds, done.get() / seconds);
                    out.flush();
                },
                PROGRESS_SECONDS,
                PROGRESS_SECONDS,
                TimeUnit.SECONDS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < options.registerThreads(); t++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < count) {
                        registered[i] = client.register(prefix + "-" + i, PREKEYS);
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                try {
                    worker.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    next.set(count); // the others stop at their next device
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    throw new IllegalStateException(
                            "registration failed after " + done.get() + " devices: " + cause.getMessage()
                                    + " (a 429 means the gateway's registration limit is too low for the bench: start"
                                    + " it with SOCIALINK_GATEWAY_RATELIMITS_REGISTRATIONS_CAPACITY raised)",
                            cause);
                }
            }
        } finally {
            progress.shutdownNow();
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(
                "register: %d devices in %.1f s (%.1f/s, %d threads, %d one-time prekeys of each kind)%n",
                count, seconds, count / seconds, options.registerThreads(), PREKEYS);
        out.flush();
        List<DeviceCredentials> devices = new ArrayList<>(count);
        Collections.addAll(devices, registered);
        return devices;
    }

    // ---- connecting

    /** Opens every socket once, paced at {@code connectRate}; returns when each first attempt has succeeded or failed. */
    private void connectAll(IdleSocket[] sockets, long start) throws InterruptedException {
        CountDownLatch attempts = new CountDownLatch(sockets.length);
        firstAttempts = attempts;
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / options.connectRate();
        for (int i = 0; i < sockets.length; i++) {
            long wait = start + i * intervalNanos - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            IdleSocket socket = sockets[i];
            connectors.execute(() -> connect(socket));
        }
        attempts.await();
        double seconds = Math.max(1e-9, (lastFirstAttemptNanos.get() - start) / 1e9);
        LatencySummary upgrades = LatencySummary.of(upgradeLatencies.cumulative());
        out.printf(
                "connect: %d of %d sockets opened in %.1f s (%.0f/s achieved, target %d/s) over %d servers from %d"
                        + " source addresses; upgrade p50 %.1f ms p99 %.1f ms; failures: %s; open now %d, per server:"
                        + " %s%n",
                firstOpened.sum(),
                sockets.length,
                seconds,
                firstOpened.sum() / seconds,
                options.connectRate(),
                targets.size(),
                options.sourceAddresses(),
                upgrades.p50Millis(),
                upgrades.p99Millis(),
                counts(connectFailures),
                open.get(),
                perServer());
        out.flush();
    }

    /** One upgrade attempt, on a connector thread. */
    private void connect(IdleSocket socket) {
        if (stopping) {
            return;
        }
        boolean first = !socket.attempted;
        socket.attempted = true;
        int server = socket.server;
        InetAddress source = sources == null ? null : sources[socket.index % sources.length];
        long started = System.nanoTime();
        try {
            WebSocketUpgrade.Upgraded upgraded = WebSocketUpgrade.open(targets.get(server), source, socket.device);
            upgradeLatencies.record(started, System.nanoTime());
            socket.channel = upgraded.channel();
            socket.pending = upgraded.early();
            int openNow = open.incrementAndGet();
            openPerServer.incrementAndGet(server);
            reactors[socket.index % reactors.length].adopt(socket);
            if (first) {
                firstOpened.increment();
                firstAttemptDone();
            } else {
                reconnects.increment();
                waves.reopened(openNow, System.nanoTime(), perServer());
            }
        } catch (IOException | RuntimeException e) {
            String reason = e instanceof WebSocketUpgrade.Refused refused
                    ? refused.reason()
                    : e instanceof SocketTimeoutException
                            ? "timeout"
                            : "io-" + e.getClass().getSimpleName();
            if (first) {
                count(connectFailures, reason);
                firstAttemptDone();
            } else {
                count(reconnectFailures, reason);
                waves.failed(reason);
            }
            retryLater(socket, MIN_RETRY_MILLIS);
        }
    }

    private void firstAttemptDone() {
        lastFirstAttemptNanos.accumulateAndGet(System.nanoTime(), Math::max);
        CountDownLatch attempts = firstAttempts;
        if (attempts != null) {
            attempts.countDown();
        }
    }

    /**
     * Tries the socket again after a random delay below the jitter (at least {@code minMillis}), to another server
     * picked at random (the same one when there is only one).
     */
    private void retryLater(IdleSocket socket, long minMillis) {
        Duration jitter = options.reconnectJitter();
        if (jitter == null || stopping) {
            return;
        }
        if (targets.size() > 1) {
            socket.server =
                    (socket.server + 1 + ThreadLocalRandom.current().nextInt(targets.size() - 1)) % targets.size();
        }
        long delay = Math.max(minMillis, ThreadLocalRandom.current().nextLong(Math.max(1, jitter.toMillis())));
        timers.schedule(() -> connectors.execute(() -> connect(socket)), delay, TimeUnit.MILLISECONDS);
    }

    // ---- holding

    private void hold() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(options.hold().toMillis());
        out.printf(
                "holding %d sockets (of %d) after %d s idle; per server: %s%n",
                open.get(), options.devices(), options.hold().toSeconds(), perServer());
        out.flush();
        Path until = options.untilFile();
        if (until != null) {
            while (!Files.exists(until)) {
                TimeUnit.MILLISECONDS.sleep(500);
            }
            out.printf("until-file %s found: %d sockets open%n", until, open.get());
            out.flush();
        }
    }

    // ---- delivering

    /** What the delivery phase records per device: the send time and the first envelope's arrival (0 while none). */
    private record Delivery(
            AtomicLongArray sent,
            AtomicLongArray received,
            LatencyRecorder latencies,
            LongAdder count,
            AtomicLong last) {}

    private void deliver(BenchHttp http, List<DeviceCredentials> senders, IdleSocket[] sockets)
            throws InterruptedException {
        int count = sockets.length;
        Delivery d = new Delivery(
                new AtomicLongArray(count),
                new AtomicLongArray(count),
                new LatencyRecorder(),
                new LongAdder(),
                new AtomicLong());
        delivery = d;
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        String run = Long.toString(System.currentTimeMillis(), 36);
        long first;
        long lastSend;
        // over the senders' own sockets, as apps send (REST sends from the JDK's HttpClient held this bench to a few
        // hundred a second, well below what the gateway takes), round robin
        List<DeviceSocket> senderSockets = new ArrayList<>();
        try {
            for (int k = 0; k < senders.size(); k++) {
                senderSockets.add(connectSender(http, senders.get(k), k));
            }
            Semaphore inFlight = new Semaphore(SENDS_IN_FLIGHT);
            first = System.nanoTime();
            for (int i = 0; i < count; i++) {
                inFlight.acquire();
                DeviceCredentials device = sockets[i].device;
                long now = System.nanoTime();
                d.sent().set(i, now);
                List<OutgoingCopy> copy = List.of(new OutgoingCopy(
                        device.userId(),
                        device.deviceId(),
                        device.registrationId(),
                        OutgoingCopy.DEFAULT_TYPE,
                        BenchPayload.encode(i, now, 32)));
                int index = i;
                senderSockets
                        .get(i % senderSockets.size())
                        .send(device.userId(), "conn-" + run + "-" + i, copy, null)
                        .whenComplete((result, error) -> {
                            inFlight.release();
                            if (error != null) {
                                d.sent().set(index, 0);
                                count(failures, LoadGenerator.classify(error));
                            }
                        });
            }
            inFlight.acquire(SENDS_IN_FLIGHT); // every send answered
            lastSend = System.nanoTime();
        } finally {
            senderSockets.forEach(DeviceSocket::close);
        }
        long failed = failures.values().stream().mapToLong(LongAdder::sum).sum();
        long expected = count - failed;
        long deadline = lastSend + options.deliverTimeout().toNanos();
        while (d.count().sum() < expected && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        LatencySummary summary = LatencySummary.of(d.latencies().cumulative());
        long received = d.count().sum();
        double sendSeconds = (lastSend - first) / 1e9;
        out.printf(
                "deliver: %d sent in %.1f s (%.0f/s, %d in flight), send failures: %s; %d received, first send ->"
                        + " last envelope %.2f s; send->receive p50 %.1f ms p99 %.1f ms max %.1f ms (n=%d); missing"
                        + " after %d s: %d%n",
                expected,
                sendSeconds,
                count / Math.max(1e-9, sendSeconds),
                SENDS_IN_FLIGHT,
                counts(failures),
                received,
                received == 0 ? 0 : (d.last().get() - first) / 1e9,
                summary.p50Millis(),
                summary.p99Millis(),
                summary.maxMillis(),
                summary.count(),
                options.deliverTimeout().toSeconds(),
                expected - received);
        out.flush();
        if (failures.keySet().stream().anyMatch(reason -> reason.startsWith("http-429"))) {
            out.println("deliver: sends were rate limited (429): start the gateway with"
                    + " SOCIALINK_GATEWAY_RATELIMITS_SENDS_CAPACITY raised");
            out.flush();
        }
    }

    /**
     * Sender {@code k}'s socket on node {@code k} of the list (so the senders' load is spread as the idle sockets'
     * is), or on the next node that takes it: a node at its connection cap refuses the upgrade with 503.
     */
    private DeviceSocket connectSender(BenchHttp http, DeviceCredentials sender, int k) {
        List<URI> servers = options.servers();
        RuntimeException refused = null;
        for (int attempt = 0; attempt < servers.size(); attempt++) {
            URI server = servers.get((k + attempt) % servers.size());
            SocialinkClient client =
                    new SocialinkClient(server, http.http(), PlatformTokens.fromEnvironment(), SENDER_TIMEOUT);
            try {
                return DeviceSocket.connect(client, sender, envelope -> {});
            } catch (RuntimeException e) {
                out.printf("deliver: sender %d not connected to %s (%s), trying the next node%n", k, server, e);
                out.flush();
                refused = e;
            }
        }
        throw Objects.requireNonNull(refused);
    }

    // ---- socket events

    private final class Events implements SocketReactor.Events {

        @Override
        public void envelope(IdleSocket socket, long nanos) {
            Delivery d = delivery;
            if (d == null) {
                return;
            }
            long sent = d.sent().get(socket.index);
            if (sent != 0 && d.received().compareAndSet(socket.index, 0, nanos)) {
                d.latencies().record(sent, nanos);
                d.count().increment();
                d.last().accumulateAndGet(nanos, Math::max);
            }
        }

        @Override
        public void ended(IdleSocket socket, String reason) {
            open.decrementAndGet();
            openPerServer.decrementAndGet(socket.server);
            ended.increment();
            count(endReasons, reason);
            if (stopping) {
                return;
            }
            if (holding) {
                waves.ended(reason, System.nanoTime());
            }
            if (!reason.equals("close-4410")) { // 4410: the device was deactivated, its credentials are void
                retryLater(socket, 0);
            }
        }
    }

    /** Prints open sockets, reconnects and keep-alive traffic every 10 s while the bench runs. */
    private final class HoldProgress extends ProgressLine {

        HoldProgress(long start) {
            super(start);
        }

        @Override
        void print(long now, long elapsedSeconds, double intervalSeconds) {
            String phase = !holding ? "connect" : delivery == null ? "hold" : "deliver";
            out.printf(
                    "%s: %d s, open %d/%d (per server: %s), reopened %d, ended %d (%s), failed reconnects %s, pings"
                            + " %d, pongs %d, queue-empty %d, envelopes %d, other frames %d%n",
                    phase,
                    elapsedSeconds,
                    open.get(),
                    options.devices(),
                    perServer(),
                    reconnects.sum(),
                    ended.sum(),
                    counts(endReasons),
                    counts(reconnectFailures),
                    counters.pingsSent.sum(),
                    counters.pongs.sum(),
                    counters.queueEmpty.sum(),
                    counters.envelopes.sum(),
                    counters.otherFrames.sum());
            out.flush();
        }
    }

    // ---- helpers

    private String perServer() {
        return IntStream.range(0, targets.size())
                .mapToObj(i -> options.servers().get(i).getAuthority() + "=" + openPerServer.get(i))
                .collect(Collectors.joining(" "));
    }

    private static void count(Map<String, LongAdder> counts, String reason) {
        counts.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    private static String counts(Map<String, LongAdder> counts) {
        Map<String, Integer> sorted = new TreeMap<>();
        counts.forEach((reason, n) -> sorted.put(reason, (int) n.sum()));
        return ReconnectWaves.counts(sorted);
    }

    /**
     * 127.0.0.1 .. 127.0.0.K to bind the sockets to, or null for K = 1: a socket bound before it connects gets its
     * port for its address alone (about 28,000 per address, whatever the destination), while an unbound one shares
     * ports across destinations, so binding only pays from two addresses on.
     */
    private static InetAddress @Nullable [] sourceAddresses(int count) {
        if (count < 1 || count > 254) {
            throw new IllegalArgumentException("--source-addresses must be 1..254");
        }
        if (count == 1) {
            return null;
        }
        InetAddress[] addresses = new InetAddress[count];
        for (int i = 0; i < count; i++) {
            try {
                addresses[i] = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (i + 1)});
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return addresses;
    }

    /** The server's address; an IPv4 one when the sockets bind to 127.0.0.x source addresses. */
    private static InetSocketAddress resolve(URI server, boolean ipv4) throws UnknownHostException {
        int port = server.getPort() > 0 ? server.getPort() : 80;
        for (InetAddress address : InetAddress.getAllByName(server.getHost())) {
            if (!ipv4 || address instanceof Inet4Address) {
                if (ipv4 && !address.isLoopbackAddress()) {
                    throw new IllegalArgumentException(
                            "--source-addresses above 1 binds to 127.0.0.x: the server must be on loopback: " + server);
                }
                return new InetSocketAddress(address, port);
            }
        }
        throw new UnknownHostException("no IPv4 address for " + server.getHost());
    }
}
