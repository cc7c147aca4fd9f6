package io.socialink.bench;

import io.socialink.client.api.GroupSendResult;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.mls.GatewayDeliveryService;
import io.socialink.client.mls.GroupIds;
import io.socialink.client.mls.MlsGroups;
import io.socialink.client.mls.MlsIdentity;
import io.socialink.client.mls.MlsInbox;
import io.socialink.client.mls.MlsKeyPackages;
import io.socialink.client.socket.CloseStatus;
import io.socialink.client.socket.DeviceEvent;
import io.socialink.client.socket.DeviceSocket;
import io.socialink.client.socket.DeviceSocketListener;
import io.socialink.client.socket.Envelope;
import io.socialink.client.socket.SeenMessageIds;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * System benchmark of MLS group fan-out (docs/benchmarks.md, "MLS group fan-out") against one local gateway:
 * <ol>
 *   <li>Setup (not timed as a figure): registers {@code members - 1} users with one device each (bounded
 *   concurrency), each uploading a last-resort KeyPackage only (the sampled members a one-time one too), and
 *   connects every device's socket (raw {@link DeviceSocket}s whose listener records the arrival time of each group
 *   copy per (messageId, device) and returns, so the socket acks as usual). A creator device with real
 *   {@link MlsGroups} creates the group.</li>
 *   <li>Welcome: the creator adds every other member in one Commit. Timed: the KeyPackage claim, the client's
 *   commit build (from the claim's answer to the POST), the POST, and the Welcome's delivery from the POST's 200 to
 *   each device's Welcome frame (the listener call, after the frame is read and parsed).</li>
 *   <li>Single message, {@code messageRuns} times one after another: one application message (real MLS protect),
 *   timed from just before its POST to each device's arrival; per run p50, p99 and the last device, and
 *   deliveries/s = devices / last-device time.</li>
 *   <li>Burst: {@code burst} messages sent back to back by the creator (sequential POSTs: {@code MlsGroups} holds the
 *   group's lock across a send's POST, so parallel sends of one device would serialize anyway), until every device
 *   has every message; deliveries/s over the whole burst (first POST start to last arrival) and each delivery's
 *   latency from its message's POST start.</li>
 * </ol>
 * The sampled members ({@code sampleDecrypt}) are real {@link MlsGroups}: they join from the Welcome and must decrypt
 * every message, proving the copies are valid MLS. Every wait is bounded by {@code timeout}: a phase that does not
 * complete fails the run with what is missing. Duplicates (a messageId again on a device) are counted and left out.
 */
public final class GroupFanoutBench {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration QUEUE_EMPTY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PAUSE_BETWEEN_RUNS = Duration.ofMillis(300);
    private static final int HTTP_THREADS = 8;
    private static final String TYPING = "typing";
    /**
     * Typing changes of one typer are pushed at most once a second (a change within the second waits for its end);
     * the bench's are spaced well beyond that, so that each is timed on the push path alone.
     */
    private static final Duration TYPING_SPACING = Duration.ofMillis(2_000);

    private final GroupBenchOptions options;
    private final PrintWriter out;
    private final FanoutLedger ledger;
    private final ClosedSockets closedSockets;
    private final LongAdder listenerErrors = new LongAdder();
    private volatile @Nullable TypingRound typingRound;

    public GroupFanoutBench(GroupBenchOptions options, PrintWriter out) {
        this.options = options;
        this.out = out;
        this.ledger = new FanoutLedger(options.recipients());
        this.closedSockets = new ClosedSockets(out);
    }

    /** One member device: index into the ledger, its socket, and for sampled members its real MLS groups. */
    private record Member(
            int index,
            DeviceCredentials credentials,
            @Nullable MlsGroups groups,
            @Nullable MlsInbox inbox,
            DeviceSocket socket) {}

    public GroupBenchReport run() throws InterruptedException {
        LoadGenerator.checkLoopback(options.server(), options.allowRemote());
        BenchHttp http = new BenchHttp(options.server(), HTTP_THREADS, REQUEST_TIMEOUT);
        SocialinkClient client = http.client();
        ExecutorService setup =
                Executors.newFixedThreadPool(options.concurrency(), LoadGenerator.daemonThreads("bench-setup"));
        List<Member> members = new ArrayList<>();
        DeviceSocket creatorSocket = null;
        MlsGroups creator = null;
        JsonMapper mapper = JsonMapper.builder().build();
        ObjectNode json = mapper.createObjectNode();
        StringBuilder text = new StringBuilder();
        try {
            String run = BenchDevices.runId("grp");
            json.put("benchmark", "group-fanout");
            ObjectNode config = json.putObject("options");
            config.put("server", options.server().toString())
                    .put("members", options.members())
                    .put("recipientDevices", options.recipients())
                    .put("messageRuns", options.messageRuns())
                    .put("burst", options.burst())
                    .put("burstParallel", options.burstParallel())
                    .put("typing", options.typing())
                    .put("sampleDecrypt", options.sampleDecrypt())
                    .put("concurrency", options.concurrency())
                    .put("timeoutSeconds", options.timeout().toSeconds())
                    .put("run", run);

            DeviceCredentials creatorDevice = client.register(run + "-c", 0);
            TimedDeliveryService timed = new TimedDeliveryService(new GatewayDeliveryService(client, creatorDevice));
            MlsInbox creatorInbox = new MlsInbox();
            creator = new MlsGroups(MlsIdentity.generate(creatorDevice), timed, creatorInbox);

            long setupStart = System.nanoTime();
            members.addAll(registerAndConnect(client, setup, run));
            double setupSeconds = seconds(System.nanoTime() - setupStart);
            creatorSocket =
                    DeviceSocket.connect(client, creatorDevice, creator.socketListener(null), new SeenMessageIds());
            json.putObject("setup").put("seconds", setupSeconds);
            line(
                    text,
                    "setup: %d devices registered (KeyPackages uploaded) and connected in %.1f s (%s)",
                    members.size(),
                    setupSeconds,
                    run);

            String groupId = GroupIds.random();
            creator.create(groupId);
            welcome(creator, timed, groupId, members, json.putObject("welcome"), text);
            List<String> expectedTexts = new ArrayList<>();
            Set<UUID> known = new HashSet<>();
            // welcome(...) waited until every device had it
            FanoutLedger.Slot welcome = Objects.requireNonNull(ledger.welcome(), "welcome");
            known.add(welcome.messageId);
            single(creator, timed, groupId, json.putObject("single"), text, expectedTexts, known);
            burst(
                    creator,
                    timed,
                    client,
                    creatorDevice,
                    groupId,
                    1,
                    json.putObject("burst"),
                    text,
                    expectedTexts,
                    known);
            if (options.burstParallel() > 1) {
                burst(
                        creator,
                        timed,
                        client,
                        creatorDevice,
                        groupId,
                        options.burstParallel(),
                        json.putObject("parallelBurst"),
                        text,
                        expectedTexts,
                        known);
            }
            if (options.typing() > 0) {
                typing(creatorSocket, groupId, json.putObject("typing"), text);
            }
            checks(members, groupId, expectedTexts, known, json.putObject("checks"), text);
            double cpu = processCpuSeconds();
            json.put("benchCpuSeconds", cpu).put("benchSeconds", seconds(System.nanoTime() - setupStart));
            line(
                    text,
                    "bench JVM: %.0f CPU seconds over %.0f s since the setup began",
                    cpu,
                    seconds(System.nanoTime() - setupStart));
            return new GroupBenchReport(
                    mapper.writerWithDefaultPrettyPrinter().writeValueAsString(json), text.toString());
        } finally {
            closedSockets.finishing();
            List<DeviceSocket> sockets = new ArrayList<>();
            members.forEach(member -> sockets.add(member.socket()));
            if (creatorSocket != null) {
                sockets.add(creatorSocket);
            }
            closeAll(setup, sockets);
            members.stream().filter(member -> member.groups() != null).forEach(member -> member.groups()
                    .close());
            if (creator != null) {
                creator.close();
            }
            setup.shutdownNow();
            http.shutdownNow();
        }
    }

    // ---- setup ----

    private List<Member> registerAndConnect(SocialinkClient client, ExecutorService setup, String run)
            throws InterruptedException {
        int devices = options.recipients();
        Set<Integer> sampled = new HashSet<>();
        for (int s = 0; s < options.sampleDecrypt(); s++) {
            sampled.add((int) ((long) s * devices / options.sampleDecrypt()) + devices / (2 * options.sampleDecrypt()));
        }
        AtomicInteger done = new AtomicInteger();
        List<Future<Member>> futures = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            int index = i;
            futures.add(setup.submit(() -> {
                Member member = member(client, run + "-m" + index, index, sampled.contains(index));
                int n = done.incrementAndGet();
                if (n % 250 == 0) {
                    out.printf(Locale.ROOT, "  %d of %d devices registered and connected%n", n, devices);
                    out.flush();
                }
                return member;
            }));
        }
        List<Member> members = new ArrayList<>();
        try {
            for (Future<Member> future : futures) {
                members.add(future.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS));
            }
        } catch (ExecutionException e) {
            futures.forEach(future -> future.cancel(true));
            throw new IllegalStateException("setup failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            futures.forEach(future -> future.cancel(true));
            throw new IllegalStateException("setup: not every device registered and connected within "
                    + options.timeout().toSeconds() + " s");
        }
        BenchDevices.awaitQueueEmpty(members.stream().map(Member::socket).toList(), QUEUE_EMPTY_TIMEOUT);
        return members;
    }

    private Member member(SocialinkClient client, String userId, int index, boolean sampled) {
        // opaque group copies need no one-time prekeys; the device still registers real signed keys
        DeviceCredentials device = client.register(userId, 0);
        if (sampled) {
            MlsInbox inbox = new MlsInbox();
            MlsGroups groups = MlsGroups.forDevice(client, device, inbox);
            groups.publishKeyPackages(1);
            DeviceSocket socket = DeviceSocket.connect(
                    client, device, new Arrivals(index, device, groups.socketListener(null)), new SeenMessageIds());
            return new Member(index, device, groups, inbox, socket);
        }
        // never joins: a last-resort KeyPackage lets the creator add it, its private halves are not needed
        MlsKeyPackages keyPackages = new MlsKeyPackages(MlsIdentity.generate(device));
        client.uploadKeyPackages(device, List.of(), keyPackages.generateLastResort());
        DeviceSocket socket =
                DeviceSocket.connect(client, device, new Arrivals(index, device, null), new SeenMessageIds());
        return new Member(index, device, null, null, socket);
    }

    /** Records each group copy's arrival, then hands it to the sampled member's MLS groups (if any). */
    private final class Arrivals implements DeviceSocketListener {

        private final int index;
        private final DeviceCredentials device;
        private final @Nullable DeviceSocketListener mls;

        Arrivals(int index, DeviceCredentials device, @Nullable DeviceSocketListener mls) {
            this.index = index;
            this.device = device;
            this.mls = mls;
        }

        @Override
        public void onEnvelope(Envelope envelope) {
            long now = System.nanoTime();
            if (envelope.isGroup()) {
                ledger.arrived(envelope.messageId(), envelope.ciphertextType(), index, now);
            }
            if (mls != null) {
                mls.onEnvelope(envelope);
            }
        }

        @Override
        public void onEvent(DeviceEvent event) {
            TypingRound round = typingRound;
            if (round != null && TYPING.equals(event.type())) {
                round.arrived(index, event, System.nanoTime());
            }
            if (mls != null) {
                mls.onEvent(event);
            }
        }

        @Override
        public void onQueueEmpty() {
            if (mls != null) {
                mls.onQueueEmpty();
            }
        }

        @Override
        public void onError(Throwable error) {
            listenerErrors.increment();
            if (listenerErrors.sum() <= 5) {
                out.printf(Locale.ROOT, "socket error on %s: %s%n", device.address(), error);
                out.flush();
            }
            if (mls != null) {
                mls.onError(error);
            }
        }

        @Override
        public void onClose(CloseStatus status) {
            closedSockets.closed(device, status);
            if (mls != null) {
                mls.onClose(status);
            }
        }

        @Override
        public void onDisconnected(CloseStatus status) {
            closedSockets.disconnected(device, status);
            if (mls != null) {
                mls.onDisconnected(status);
            }
        }

        @Override
        public void onReconnected(int attempt) {
            closedSockets.reconnected();
            if (mls != null) {
                mls.onReconnected(attempt);
            }
        }
    }

    // ---- phases ----

    private void welcome(
            MlsGroups creator,
            TimedDeliveryService timed,
            String groupId,
            List<Member> members,
            ObjectNode json,
            StringBuilder text)
            throws InterruptedException {
        List<String> users =
                members.stream().map(member -> member.credentials().userId()).toList();
        long start = System.nanoTime();
        long epoch = creator.add(groupId, users);
        long returned = System.nanoTime();
        FanoutLedger.Slot slot = ledger.awaitComplete("Welcome", ledger::welcome, options.timeout());
        long[] arrivals = slot.arrivals();
        LatencyRecorder from200 = new LatencyRecorder();
        LatencyRecorder fromPost = new LatencyRecorder();
        long last = Long.MIN_VALUE;
        for (long arrival : arrivals) {
            from200.record(timed.addEnd, arrival);
            fromPost.record(timed.addStart, arrival);
            last = Math.max(last, arrival);
        }
        LatencySummary after200 = LatencySummary.of(from200.cumulative());
        LatencySummary afterPost = LatencySummary.of(fromPost.cumulative());
        double lastFrom200 = millis(last - timed.addEnd);
        double lastFromPost = millis(last - timed.addStart);
        double megabytes = (double) timed.welcomeBytes * arrivals.length / 1e6;
        json.put("epoch", epoch)
                .put("devices", arrivals.length)
                .put("claimMillis", millis(timed.claimEnd - timed.claimStart))
                .put("commitBuildMillis", millis(timed.addStart - timed.claimEnd))
                .put("postMillis", millis(timed.addEnd - timed.addStart))
                .put("posts", timed.addPosts)
                .put("addCallMillis", millis(returned - start))
                .put("welcomeBytes", timed.welcomeBytes)
                .put("commitBytes", timed.commitBytes)
                .put("groupInfoBytes", timed.groupInfoBytes)
                .put("lastFrom200Millis", lastFrom200)
                .put("lastFromPostStartMillis", lastFromPost)
                .put("megabytes", megabytes)
                .put("megabytesPerSecondFrom200", megabytes / Math.max(1e-9, lastFrom200 / 1e3))
                .put("megabytesPerSecondFromPostStart", megabytes / Math.max(1e-9, lastFromPost / 1e3));
        BenchReport.latency(json.putObject("from200Millis"), after200);
        BenchReport.latency(json.putObject("fromPostStartMillis"), afterPost);
        line(
                text,
                "welcome: add of %d devices in one commit: claim %.1f ms, commit build %.1f ms, POST %.1f ms"
                        + " (%d post%s); Welcome %,d B, commit %,d B, GroupInfo %,d B",
                arrivals.length,
                millis(timed.claimEnd - timed.claimStart),
                millis(timed.addStart - timed.claimEnd),
                millis(timed.addEnd - timed.addStart),
                timed.addPosts,
                timed.addPosts == 1 ? "" : "s",
                timed.welcomeBytes,
                timed.commitBytes,
                timed.groupInfoBytes);
        raw(text, BenchReport.line("welcome from 200", after200));
        raw(text, BenchReport.line("welcome from POST", afterPost));
        line(
                text,
                "welcome: last device %.1f ms after the 200 (%.1f ms after the POST start); %.1f MB delivered,"
                        + " %.1f MB/s from the 200",
                lastFrom200,
                lastFromPost,
                megabytes,
                megabytes / Math.max(1e-9, lastFrom200 / 1e3));
        // the sampled members must have joined before the messages (and joining holds the JVM's bcmls lock)
        for (Member member : members) {
            if (member.groups() != null && !member.groups().awaitGroup(groupId, options.timeout())) {
                throw new IllegalStateException("sampled member "
                        + member.credentials().address()
                        + " did not join from the Welcome within "
                        + options.timeout().toSeconds() + " s: "
                        + Objects.requireNonNull(member.inbox()).undecryptable() + " "
                        + Objects.requireNonNull(member.inbox()).errors());
            }
        }
    }

    private void single(
            MlsGroups creator,
            TimedDeliveryService timed,
            String groupId,
            ObjectNode json,
            StringBuilder text,
            List<String> expectedTexts,
            Set<UUID> known)
            throws InterruptedException {
        ArrayNode runs = json.putArray("runs");
        double[] lasts = new double[options.messageRuns()];
        double[] p99s = new double[options.messageRuns()];
        double[] p50s = new double[options.messageRuns()];
        double[] rates = new double[options.messageRuns()];
        for (int r = 0; r < options.messageRuns(); r++) {
            Thread.sleep(PAUSE_BETWEEN_RUNS.toMillis());
            String key = "single-" + r + "-" + UUID.randomUUID();
            String body = "single message " + r;
            expectedTexts.add(body);
            GroupSendResult sent = creator.send(groupId, body.getBytes(StandardCharsets.UTF_8), key);
            known.add(sent.messageId());
            long start = timed.sendStart(key);
            FanoutLedger.Slot slot =
                    ledger.awaitComplete("single message " + r, () -> ledger.slot(sent.messageId()), options.timeout());
            LatencyRecorder recorder = new LatencyRecorder();
            long last = Long.MIN_VALUE;
            for (long arrival : slot.arrivals()) {
                recorder.record(start, arrival);
                last = Math.max(last, arrival);
            }
            LatencySummary summary = LatencySummary.of(recorder.cumulative());
            lasts[r] = millis(last - start);
            p99s[r] = summary.p99Millis();
            p50s[r] = summary.p50Millis();
            rates[r] = slot.count() / Math.max(1e-9, lasts[r] / 1e3);
            ObjectNode node = runs.addObject();
            node.put("messageId", sent.messageId().toString())
                    .put("recipientDevices", sent.recipientDevices())
                    .put("postMillis", millis(timed.sendEnd(key) - start))
                    .put("lastMillis", lasts[r])
                    .put("deliveriesPerSecond", rates[r]);
            BenchReport.latency(node.putObject("latencyMillis"), summary);
            line(
                    text,
                    "single %2d: %d devices, POST %.1f ms, p50 %.1f ms, p99 %.1f ms, last device %.1f ms, %,.0f"
                            + " deliveries/s",
                    r + 1,
                    slot.count(),
                    millis(timed.sendEnd(key) - start),
                    summary.p50Millis(),
                    summary.p99Millis(),
                    lasts[r],
                    rates[r]);
        }
        json.put("medianP50Millis", median(p50s))
                .put("medianP99Millis", median(p99s))
                .put("medianLastMillis", median(lasts))
                .put("medianDeliveriesPerSecond", median(rates))
                .put("minLastMillis", Arrays.stream(lasts).min().orElse(0))
                .put("maxLastMillis", Arrays.stream(lasts).max().orElse(0));
        line(
                text,
                "single: median over %d runs: p50 %.1f ms, p99 %.1f ms, last device %.1f ms, %,.0f deliveries/s",
                options.messageRuns(),
                median(p50s),
                median(p99s),
                median(lasts),
                median(rates));
    }

    /**
     * A burst of {@code burst} messages. {@code parallel} 1: back to back through {@code MlsGroups.send} (which holds
     * the group's lock across each POST, so one device's sends are sequential). {@code parallel} &gt; 1: every message
     * is protected first (real MLS, in order, untimed: ~0.2 ms each), then the bytes are POSTed with {@code parallel}
     * in flight; each delivery's latency counts from its own POST's start.
     */
    private void burst(
            MlsGroups creator,
            TimedDeliveryService timed,
            SocialinkClient client,
            DeviceCredentials creatorDevice,
            String groupId,
            int parallel,
            ObjectNode json,
            StringBuilder text,
            List<String> expectedTexts,
            Set<UUID> known)
            throws InterruptedException {
        int count = options.burst();
        String mode = parallel <= 1 ? "sequential" : parallel + " in flight";
        json.put("messages", count).put("parallel", parallel).put("mode", mode);
        if (count == 0) {
            return;
        }
        Thread.sleep(PAUSE_BETWEEN_RUNS.toMillis());
        String tag = parallel <= 1 ? "burst" : "parallel burst";
        String[] keys = new String[count];
        String[] bodies = new String[count];
        UUID[] ids = new UUID[count];
        for (int i = 0; i < count; i++) {
            keys[i] = tag.replace(' ', '-') + "-" + i + "-" + UUID.randomUUID();
            bodies[i] = tag + " message " + i;
            expectedTexts.add(bodies[i]);
        }
        LatencyRecorder sendAck = new LatencyRecorder();
        if (parallel <= 1) {
            for (int i = 0; i < count; i++) {
                ids[i] = creator.send(groupId, bodies[i].getBytes(StandardCharsets.UTF_8), keys[i])
                        .messageId();
            }
        } else {
            java.util.Map<String, byte[]> protectedMessages = timed.captureSends(() -> {
                for (int i = 0; i < count; i++) {
                    creator.send(groupId, bodies[i].getBytes(StandardCharsets.UTF_8), keys[i]);
                }
            });
            ExecutorService posting =
                    Executors.newFixedThreadPool(parallel, LoadGenerator.daemonThreads("bench-burst"));
            try {
                List<Future<UUID>> posts = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    String key = keys[i];
                    byte[] message = Objects.requireNonNull(protectedMessages.get(key), key);
                    posts.add(posting.submit(() -> {
                        long start = System.nanoTime();
                        UUID id = client.sendGroupMessage(creatorDevice, groupId, message, key, null)
                                .messageId();
                        timed.recordSend(key, start, System.nanoTime());
                        return id;
                    }));
                }
                for (int i = 0; i < count; i++) {
                    try {
                        ids[i] = posts.get(i).get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
                    } catch (ExecutionException e) {
                        throw new IllegalStateException(
                                tag + ": POST of message " + i + " failed: " + e.getCause(), e.getCause());
                    } catch (java.util.concurrent.TimeoutException e) {
                        throw new IllegalStateException(tag + ": POST of message " + i + " did not answer within "
                                + options.timeout().toSeconds() + " s");
                    }
                }
            } finally {
                posting.shutdownNow();
            }
        }
        long first = Long.MAX_VALUE;
        long sendsDone = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            known.add(ids[i]);
            sendAck.record(timed.sendStart(keys[i]), timed.sendEnd(keys[i]));
            first = Math.min(first, timed.sendStart(keys[i]));
            sendsDone = Math.max(sendsDone, timed.sendEnd(keys[i]));
        }
        LatencyRecorder latency = new LatencyRecorder();
        long last = Long.MIN_VALUE;
        long deliveries = 0;
        for (int i = 0; i < count; i++) {
            UUID id = ids[i];
            FanoutLedger.Slot slot =
                    ledger.awaitComplete(tag + " message " + i, () -> ledger.slot(id), options.timeout());
            long start = timed.sendStart(keys[i]);
            for (long arrival : slot.arrivals()) {
                latency.record(start, arrival);
                last = Math.max(last, arrival);
                deliveries++;
            }
        }
        double seconds = seconds(last - first);
        double sendSeconds = seconds(sendsDone - first);
        LatencySummary acks = LatencySummary.of(sendAck.cumulative());
        LatencySummary delivered = LatencySummary.of(latency.cumulative());
        json.put("deliveries", deliveries)
                .put("seconds", seconds)
                .put("deliveriesPerSecond", deliveries / seconds)
                .put("sendSeconds", sendSeconds)
                .put("sendsPerSecond", count / Math.max(1e-9, sendSeconds));
        BenchReport.latency(json.putObject("sendAckMillis"), acks);
        BenchReport.latency(json.putObject("latencyMillis"), delivered);
        line(
                text,
                "%s: %d messages (%s) sent in %.2f s (%.0f/s); %,d deliveries in %.2f s = %,.0f deliveries/s",
                tag,
                count,
                mode,
                sendSeconds,
                count / Math.max(1e-9, sendSeconds),
                deliveries,
                seconds,
                deliveries / seconds);
        raw(text, BenchReport.line(tag.replace("parallel ", "par.") + " send->201", acks));
        raw(text, BenchReport.line(tag.replace("parallel ", "par.") + " delivery", delivered));
    }

    /** One typing change: the value every device must see, and when each device saw it (0: not yet). */
    private static final class TypingRound {
        final String value;
        final long[] arrivals;
        final AtomicInteger seen = new AtomicInteger();
        final AtomicInteger unexpected = new AtomicInteger();

        TypingRound(boolean typing, int devices) {
            this.value = Boolean.toString(typing);
            this.arrivals = new long[devices];
        }

        void arrived(int device, DeviceEvent event, long now) {
            synchronized (arrivals) {
                if (!value.equals(event.attributes().get(TYPING)) || arrivals[device] != 0) {
                    unexpected.incrementAndGet();
                    return;
                }
                arrivals[device] = now;
            }
            seen.incrementAndGet();
        }
    }

    /**
     * {@code typing} changes (start, stop, start, ...) sent by the creator's socket {@link #TYPING_SPACING} apart
     * (beyond the server's one-per-second coalescing, so that each is pushed); each is timed from just before its
     * frame is sent to the typing frame's arrival on every other member device, and waited for on all of them
     * before the next.
     */
    private void typing(DeviceSocket creatorSocket, String groupId, ObjectNode json, StringBuilder text)
            throws InterruptedException {
        int changes = options.typing();
        int devices = options.recipients();
        LatencyRecorder all = new LatencyRecorder();
        double[] lasts = new double[changes];
        double[] p99s = new double[changes];
        long unexpected = 0;
        ArrayNode runs = json.putArray("changes");
        long previous = System.nanoTime() - TYPING_SPACING.toNanos();
        for (int r = 0; r < changes; r++) {
            long wait = previous + TYPING_SPACING.toNanos() - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            TypingRound round = new TypingRound(r % 2 == 0, devices);
            typingRound = round;
            long start = System.nanoTime();
            previous = start;
            creatorSocket.typing(groupId, r % 2 == 0).join();
            long deadline = start + options.timeout().toNanos();
            while (round.seen.get() < devices) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("typing change " + r + ": " + round.seen.get() + " of " + devices
                            + " devices had its frame after "
                            + options.timeout().toSeconds() + " s");
                }
                Thread.sleep(1);
            }
            LatencyRecorder one = new LatencyRecorder();
            long last = Long.MIN_VALUE;
            synchronized (round.arrivals) {
                for (long arrival : round.arrivals) {
                    one.record(start, arrival);
                    all.record(start, arrival);
                    last = Math.max(last, arrival);
                }
            }
            LatencySummary summary = LatencySummary.of(one.cumulative());
            lasts[r] = millis(last - start);
            p99s[r] = summary.p99Millis();
            unexpected += round.unexpected.get();
            ObjectNode node = runs.addObject();
            node.put("typing", round.value).put("lastMillis", lasts[r]);
            BenchReport.latency(node.putObject("latencyMillis"), summary);
            line(
                    text,
                    "typing %2d (%s): %d devices, p50 %.1f ms, p99 %.1f ms, last device %.1f ms",
                    r + 1,
                    round.value,
                    devices,
                    summary.p50Millis(),
                    summary.p99Millis(),
                    lasts[r]);
        }
        typingRound = null;
        LatencySummary pooled = LatencySummary.of(all.cumulative());
        json.put("medianP99Millis", median(p99s))
                .put("medianLastMillis", median(lasts))
                .put("maxLastMillis", Arrays.stream(lasts).max().orElse(0))
                .put("unexpectedFrames", unexpected);
        BenchReport.latency(json.putObject("latencyMillis"), pooled);
        raw(text, BenchReport.line("typing start->frame", pooled));
        line(
                text,
                "typing: %d changes to %d devices each: median p99 %.1f ms, median last device %.1f ms, worst last"
                        + " device %.1f ms; %d unexpected typing frames (repeated or of another change)",
                changes,
                devices,
                median(p99s),
                median(lasts),
                Arrays.stream(lasts).max().orElse(0),
                unexpected);
    }

    private void checks(
            List<Member> members,
            String groupId,
            List<String> expectedTexts,
            Set<UUID> known,
            ObjectNode json,
            StringBuilder text)
            throws InterruptedException {
        long duplicatesDropped = members.stream()
                .mapToLong(member -> member.socket().duplicatesDropped())
                .sum();
        List<FanoutLedger.Slot> others = ledger.others(known);
        json.put("missing", 0)
                .put("duplicatesLeftOut", ledger.duplicates())
                .put("duplicatesDroppedBySockets", duplicatesDropped)
                .put("otherMessages", others.size())
                .put("socketsClosed", closedSockets.count())
                .put("reconnects", closedSockets.reconnects())
                .put("socketErrors", listenerErrors.sum());
        ArrayNode sampled = json.putArray("sampled");
        boolean allDecrypted = true;
        for (Member member : members) {
            if (member.groups() == null) {
                continue;
            }
            // sampled members (those with groups) have an inbox too
            List<String> texts =
                    Objects.requireNonNull(member.inbox()).awaitTexts(groupId, expectedTexts.size(), options.timeout());
            boolean complete =
                    texts.size() == expectedTexts.size() && new HashSet<>(texts).equals(new HashSet<>(expectedTexts));
            allDecrypted &= complete && member.inbox().undecryptable().isEmpty();
            ObjectNode node = sampled.addObject();
            node.put("address", member.credentials().address())
                    .put("joined", member.inbox().joined().contains(groupId))
                    .put("decrypted", texts.size())
                    .put("expected", expectedTexts.size())
                    .put("allDecrypted", complete)
                    .put("undecryptable", member.inbox().undecryptable().size())
                    .put("errors", member.inbox().errors().size());
            if (!complete || !member.inbox().undecryptable().isEmpty()) {
                line(
                        text,
                        "sampled %s: decrypted %d of %d, undecryptable %s, errors %s",
                        member.credentials().address(),
                        texts.size(),
                        expectedTexts.size(),
                        member.inbox().undecryptable(),
                        member.inbox().errors());
            }
        }
        json.put("sampledAllDecrypted", allDecrypted);
        line(
                text,
                "checks: missing 0 (every phase complete), duplicates left out %d (+%d dropped by the sockets),"
                        + " other group messages %d, sockets closed %d, reconnects %d, socket errors %d; %d sampled"
                        + " members decrypted all %d messages: %s",
                ledger.duplicates(),
                duplicatesDropped,
                others.size(),
                closedSockets.count(),
                closedSockets.reconnects(),
                listenerErrors.sum(),
                options.sampleDecrypt(),
                expectedTexts.size(),
                allDecrypted ? "yes" : "NO");
    }

    // ---- helpers ----

    private static void closeAll(ExecutorService pool, List<DeviceSocket> sockets) {
        List<Future<?>> closing = new ArrayList<>();
        for (DeviceSocket socket : sockets) {
            try {
                closing.add(pool.submit(socket::close));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                socket.close();
            }
        }
        for (Future<?> future : closing) {
            try {
                future.get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                // the socket aborts on its own close timeout
            }
        }
    }

    private void raw(StringBuilder text, String formatted) {
        text.append(formatted);
        out.print(formatted);
        out.flush();
    }

    private void line(StringBuilder text, String format, Object... args) {
        String line = String.format(Locale.ROOT, format, args);
        text.append(line).append('\n');
        out.println(line);
        out.flush();
    }

    /** CPU time of this JVM (every thread, the sockets' included), or NaN where the JVM does not tell. */
    private static double processCpuSeconds() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
