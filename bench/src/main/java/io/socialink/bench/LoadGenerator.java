package io.socialink.bench;

import io.socialink.client.api.OutgoingCopy;
import io.socialink.client.api.ProblemException;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.socket.CloseStatus;
import io.socialink.client.socket.DeviceSocket;
import io.socialink.client.socket.DeviceSocketListener;
import io.socialink.client.socket.Envelope;
import io.socialink.client.socket.SeenMessageIds;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load generator against one gateway: registers fresh sender and recipient devices, connects every
 * recipient's socket, then sends on a fixed schedule, each message to one recipient (round-robin) with its
 * intended send time in the payload. Send→201 and send→socket latencies are measured from the intended time, so
 * a stalled server shows as latency instead of as a slower schedule. Outstanding sends are bounded; waiting for
 * a free slot is counted ({@code saturated}) and still charged to latency. The run stops by itself: the schedule
 * is finite, and firing, in-flight sends and the final drain each have a deadline.
 */
public final class LoadGenerator {

    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration START_DELAY = Duration.ofMillis(200);
    private static final Duration QUEUE_EMPTY_TIMEOUT = Duration.ofSeconds(10);

    private final BenchOptions options;
    private final PrintWriter out;
    private final MessageLedger ledger;
    private final LatencyRecorder sendAck = new LatencyRecorder();
    private final LatencyRecorder sendToSocket = new LatencyRecorder();
    private final ErrorCounts errors = new ErrorCounts();
    private final LongAdder fired = new LongAdder();
    private final LongAdder measuredSent = new LongAdder();
    private final LongAdder measuredAcked = new LongAdder();
    private final LongAdder measuredReceived = new LongAdder();
    private final ClosedSockets closedSockets;
    private final LongAccumulator lastMeasuredAck = new LongAccumulator(Math::max, Long.MIN_VALUE);
    private final LongAccumulator lastMeasuredReceive = new LongAccumulator(Math::max, Long.MIN_VALUE);
    private final SendSlots slots;
    private volatile long measureStartNanos;
    private volatile long measureEndNanos;

    public LoadGenerator(BenchOptions options, PrintWriter out) {
        this.options = options;
        this.out = out;
        this.ledger = new MessageLedger(Math.toIntExact(options.totalMessages()));
        this.slots = new SendSlots(options.maxInFlight());
        this.closedSockets = new ClosedSockets(out);
    }

    public BenchReport run() throws InterruptedException {
        checkLoopback(options.server(), options.allowRemote());
        BenchHttp http = new BenchHttp(options.server(), BenchHttp.processorThreads(), REQUEST_TIMEOUT);
        SocialinkClient client = http.client();
        List<DeviceSocket> sockets = new ArrayList<>();
        List<DeviceSocket> senderSockets = new ArrayList<>();
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(daemonThreads("bench-progress"));
        try {
            String run = BenchDevices.runId("bench");
            List<DeviceCredentials> senders = BenchDevices.register(client, run + "-s", options.senders());
            List<DeviceCredentials> recipients = BenchDevices.register(client, run + "-r", options.recipients());
            for (DeviceCredentials recipient : recipients) {
                sockets.add(DeviceSocket.connect(client, recipient, new Receiver(recipient), new SeenMessageIds()));
            }
            if (options.transport() == BenchOptions.Transport.WS) {
                for (DeviceCredentials sender : senders) {
                    senderSockets.add(
                            DeviceSocket.connect(client, sender, new TrackedSocket(sender), new SeenMessageIds()));
                }
                BenchDevices.awaitQueueEmpty(senderSockets, QUEUE_EMPTY_TIMEOUT);
            }
            BenchDevices.awaitQueueEmpty(sockets, QUEUE_EMPTY_TIMEOUT);
            out.printf(
                    Locale.ROOT,
                    "registered %d senders and %d recipients (%s), sending %d messages%n",
                    senders.size(),
                    recipients.size(),
                    run,
                    options.totalMessages());
            return send(client, senders, senderSockets, recipients, progress);
        } finally {
            closedSockets.finishing();
            progress.shutdownNow();
            sockets.forEach(DeviceSocket::close);
            senderSockets.forEach(DeviceSocket::close);
            http.shutdownNow();
        }
    }

    private BenchReport send(
            SocialinkClient client,
            List<DeviceCredentials> senders,
            List<DeviceSocket> senderSockets,
            List<DeviceCredentials> recipients,
            ScheduledExecutorService progress)
            throws InterruptedException {
        long start = System.nanoTime() + START_DELAY.toNanos();
        measureStartNanos = start + options.warmup().toNanos();
        measureEndNanos = measureStartNanos + options.duration().toNanos();
        long fireDeadline = measureEndNanos + options.drainTimeout().toNanos();
        progress.scheduleAtFixedRate(
                new LoadProgress(start),
                PROGRESS_INTERVAL.toNanos(),
                PROGRESS_INTERVAL.toNanos(),
                TimeUnit.NANOSECONDS);

        OpenLoopScheduler scheduler = new OpenLoopScheduler(
                options.rate(), options.totalMessages(), System::nanoTime, LockSupport::parkNanos);
        long firedCount = scheduler.run(
                start,
                fireDeadline,
                (sequence, intended) ->
                        fire(client, senders, senderSockets, recipients, sequence, intended, fireDeadline));

        // every send completes or times out within the request timeout
        slots.awaitIdle(REQUEST_TIMEOUT.plusSeconds(2));
        long drainDeadline = System.nanoTime() + options.drainTimeout().toNanos();
        while (ledger.lost() > 0 && System.nanoTime() - drainDeadline < 0) {
            Thread.sleep(100);
        }
        progress.shutdownNow();
        return report(options.totalMessages() - firedCount);
    }

    private boolean fire(
            SocialinkClient client,
            List<DeviceCredentials> senders,
            List<DeviceSocket> senderSockets,
            List<DeviceCredentials> recipients,
            long sequence,
            long intended,
            long deadline)
            throws InterruptedException {
        if (!slots.acquire(deadline)) {
            return false;
        }
        int senderIndex = (int) (sequence % senders.size());
        DeviceCredentials sender = senders.get(senderIndex);
        DeviceCredentials recipient = recipients.get((int) (sequence % recipients.size()));
        boolean measured = intended - measureStartNanos >= 0;
        List<OutgoingCopy> copy = List.of(new OutgoingCopy(
                recipient.userId(),
                recipient.deviceId(),
                recipient.registrationId(),
                OutgoingCopy.DEFAULT_TYPE,
                BenchPayload.encode(sequence, intended, options.size())));
        fired.increment();
        if (measured) {
            measuredSent.increment();
        }
        String key = "bench-" + sequence;
        slots.send(
                () -> senderSockets.isEmpty()
                        ? client.sendAsync(sender, recipient.userId(), key, copy)
                        : senderSockets.get(senderIndex).send(recipient.userId(), key, copy, null),
                errors,
                now -> {
                    ledger.acked(sequence);
                    if (measured) {
                        sendAck.record(intended, now);
                        measuredAcked.increment();
                        lastMeasuredAck.accumulate(now);
                    }
                });
        return true;
    }

    /**
     * A socket of the run: a sender's (WS transport), which receives nothing but send results, or a recipient's
     * ({@link Receiver}); a socket ending before the run does, and its reconnects, are reported.
     */
    private class TrackedSocket implements DeviceSocketListener {

        private final DeviceCredentials device;

        TrackedSocket(DeviceCredentials device) {
            this.device = device;
        }

        @Override
        public void onEnvelope(Envelope envelope) {}

        @Override
        public final void onClose(CloseStatus status) {
            closedSockets.closed(device, status);
        }

        @Override
        public final void onDisconnected(CloseStatus status) {
            closedSockets.disconnected(device, status);
        }

        @Override
        public final void onReconnected(int attempt) {
            closedSockets.reconnected();
        }
    }

    /** One recipient device: records receptions. */
    private final class Receiver extends TrackedSocket {

        Receiver(DeviceCredentials device) {
            super(device);
        }

        @Override
        public void onEnvelope(Envelope envelope) {
            long now = System.nanoTime();
            BenchPayload.Stamp stamp = BenchPayload.decode(envelope.content());
            if (stamp == null || !ledger.received(stamp.sequence())) {
                return;
            }
            if (stamp.intendedNanos() - measureStartNanos >= 0) {
                sendToSocket.record(stamp.intendedNanos(), now);
                measuredReceived.increment();
                lastMeasuredReceive.accumulate(now);
            }
        }
    }

    private BenchReport report(long unsent) {
        return new BenchReport(
                options,
                measuredSent.sum(),
                measuredAcked.sum(),
                ledger.acked(),
                measuredReceived.sum(),
                rate(measuredAcked.sum(), lastMeasuredAck.get()),
                rate(measuredReceived.sum(), lastMeasuredReceive.get()),
                errors.snapshot(),
                ledger.lost(),
                ledger.duplicates(),
                slots.saturated(),
                unsent,
                closedSockets.count(),
                closedSockets.reconnects(),
                LatencySummary.of(sendAck.cumulative()),
                LatencySummary.of(sendToSocket.cumulative()));
    }

    /** Per second over the measured window, or up to the last event when that came later. */
    private double rate(long count, long lastNanos) {
        if (count == 0) {
            return 0;
        }
        long window = Math.max(measureEndNanos, lastNanos) - measureStartNanos;
        return count / (window / 1e9);
    }

    /** Refuses a server that is not on a loopback address unless remote load was explicitly allowed. */
    static void checkLoopback(java.net.URI server, boolean allowRemote) {
        String host = server.getHost();
        if (host == null) {
            throw new IllegalArgumentException("--server needs a host: " + server);
        }
        if (allowRemote) {
            return;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    throw new IllegalArgumentException("refusing to load " + host + " (" + address.getHostAddress()
                            + "), not a loopback address; pass --allow-remote to load a server you own");
                }
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + host, e);
        }
    }

    static String classify(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ProblemException problem) {
            return "http-" + problem.status() + (problem.name().isEmpty() ? "" : "-" + problem.name());
        }
        if (cause instanceof HttpTimeoutException) {
            return "timeout";
        }
        if (cause instanceof IOException) {
            return "io-" + cause.getClass().getSimpleName();
        }
        return cause.getClass().getSimpleName();
    }

    static ThreadFactory daemonThreads(String name) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Prints achieved rates of the last interval and the percentiles so far. */
    private final class LoadProgress extends ProgressLine {

        private long lastFired;
        private long lastAcked;
        private long lastReceived;

        LoadProgress(long start) {
            super(start);
        }

        @Override
        void print(long now, long elapsedSeconds, double seconds) {
            long firedNow = fired.sum();
            long ackedNow = ledger.acked();
            long receivedNow = ledger.received();
            LatencySummary ack = LatencySummary.of(sendAck.cumulative());
            LatencySummary socket = LatencySummary.of(sendToSocket.cumulative());
            long errorCount = errors.total();
            String phase = ProgressLine.phase(now, measureStartNanos, measureEndNanos);
            out.printf(
                    Locale.ROOT,
                    "[%4ds %-7s] sent %.0f/s acked %.0f/s recv %.0f/s | send->201 p50 %.2f p99 %.2f"
                            + " ms | send->socket p50 %.2f p99 %.2f ms | errors %d, in flight %d, saturated %d%n",
                    elapsedSeconds,
                    phase,
                    (firedNow - lastFired) / seconds,
                    (ackedNow - lastAcked) / seconds,
                    (receivedNow - lastReceived) / seconds,
                    ack.p50Millis(),
                    ack.p99Millis(),
                    socket.p50Millis(),
                    socket.p99Millis(),
                    errorCount,
                    slots.inFlight(),
                    slots.saturated());
            out.flush();
            lastFired = firedNow;
            lastAcked = ackedNow;
            lastReceived = receivedNow;
        }
    }
}
