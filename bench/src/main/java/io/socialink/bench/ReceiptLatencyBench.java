package io.socialink.bench;

import io.socialink.client.api.OutgoingCopy;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.socket.CloseStatus;
import io.socialink.client.socket.DeviceEvent;
import io.socialink.client.socket.DeviceSocket;
import io.socialink.client.socket.DeviceSocketListener;
import io.socialink.client.socket.Envelope;
import io.socialink.client.socket.SeenMessageIds;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Open-loop benchmark of "delivered" receipts: fresh sender users with two connected devices each send, on the
 * {@link OpenLoopScheduler}'s fixed schedule, to connected single-device recipients (round-robin), alternating the
 * sending device; each message also carries the copy for the sender's other device, as a multi-device client's
 * send must. A recipient's listener takes the ack time as it returns (the socket hands the ack frame to the writer
 * right after), and each sender device's listener matches the receipt frame by {@code targetMessageId}. The ack →
 * receipt delay is recorded on the first sender device that shows the receipt and again once both have. The
 * gateway's status projection counter is scraped before and after, for the projection's event rate during the run.
 * Bounded like {@link LoadGenerator}: a finite schedule and deadlines for firing, sends and the drain.
 */
public final class ReceiptLatencyBench {

    static final int SENDER_DEVICES = 2;
    static final String PROJECTION_COUNTER = "socialink_projection_events_applied_total";
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration START_DELAY = Duration.ofMillis(200);
    private static final Duration QUEUE_EMPTY_TIMEOUT = Duration.ofSeconds(10);
    private static final String DELIVERED = "delivered";

    private final BenchOptions options;
    private final PrintWriter out;
    private final MessageLedger messages;
    private final ReceiptLedger receipts = new ReceiptLedger(SENDER_DEVICES);
    private final LatencyRecorder sendAck = new LatencyRecorder();
    private final LatencyRecorder ackToFirst = new LatencyRecorder();
    private final LatencyRecorder ackToLast = new LatencyRecorder();
    private final ErrorCounts errors = new ErrorCounts();
    private final LongAdder fired = new LongAdder();
    private final LongAdder measuredSent = new LongAdder();
    private final LongAdder measuredAcked = new LongAdder();
    private final LongAdder measuredRecipientAcks = new LongAdder();
    private final ClosedSockets closedSockets;
    private final SendSlots slots;
    private volatile long measureStartNanos;
    private volatile long measureEndNanos;

    public ReceiptLatencyBench(BenchOptions options, PrintWriter out) {
        this.options = options;
        this.out = out;
        this.messages = new MessageLedger(Math.toIntExact(options.totalMessages()));
        this.slots = new SendSlots(options.maxInFlight());
        this.closedSockets = new ClosedSockets(out);
    }

    public ReceiptBenchReport run() throws InterruptedException {
        LoadGenerator.checkLoopback(options.server(), options.allowRemote());
        if (options.transport() != BenchOptions.Transport.REST) {
            throw new IllegalArgumentException("bench-receipts sends over REST only (--transport rest)");
        }
        BenchHttp http = new BenchHttp(options.server(), BenchHttp.processorThreads(), REQUEST_TIMEOUT);
        SocialinkClient client = http.client();
        PrometheusCounter projection = PrometheusCounter.fromEnvironment(http.http(), PROJECTION_COUNTER);
        List<DeviceSocket> sockets = new ArrayList<>();
        ScheduledExecutorService progress =
                Executors.newSingleThreadScheduledExecutor(LoadGenerator.daemonThreads("bench-progress"));
        try {
            String run = BenchDevices.runId("rcpt");
            List<List<DeviceCredentials>> senders = registerSenders(client, run + "-s");
            List<DeviceCredentials> recipients = BenchDevices.register(client, run + "-r", options.recipients());
            for (DeviceCredentials recipient : recipients) {
                sockets.add(DeviceSocket.connect(client, recipient, new Recipient(recipient), new SeenMessageIds()));
            }
            for (List<DeviceCredentials> devices : senders) {
                for (int observer = 0; observer < devices.size(); observer++) {
                    DeviceCredentials device = devices.get(observer);
                    sockets.add(DeviceSocket.connect(
                            client, device, new SenderDevice(device, observer), new SeenMessageIds()));
                }
            }
            BenchDevices.awaitQueueEmpty(sockets, QUEUE_EMPTY_TIMEOUT);
            out.printf(
                    Locale.ROOT,
                    "registered %d senders with %d devices each and %d recipients (%s), sending %d" + " messages%n",
                    senders.size(),
                    SENDER_DEVICES,
                    recipients.size(),
                    run,
                    options.totalMessages());
            out.flush();
            double appliedBefore = projection.read();
            long scrapedBefore = System.nanoTime();
            long unsent = send(client, senders, recipients, progress);
            double appliedAfter = projection.read();
            long scrapedAfter = System.nanoTime();
            ReceiptBenchReport.ProjectionRate rate = Double.isNaN(appliedBefore) || Double.isNaN(appliedAfter)
                    ? null
                    : new ReceiptBenchReport.ProjectionRate(
                            appliedAfter - appliedBefore, (scrapedAfter - scrapedBefore) / 1e9);
            return report(unsent, rate);
        } finally {
            closedSockets.finishing();
            progress.shutdownNow();
            sockets.forEach(DeviceSocket::close);
            http.shutdownNow();
        }
    }

    private List<List<DeviceCredentials>> registerSenders(SocialinkClient client, String prefix) {
        List<List<DeviceCredentials>> senders = new ArrayList<>();
        for (int i = 0; i < options.senders(); i++) {
            List<DeviceCredentials> devices = new ArrayList<>();
            for (int d = 0; d < SENDER_DEVICES; d++) {
                // opaque payloads need no one-time prekeys; each device still registers real signed keys
                devices.add(client.register(prefix + i, 0));
            }
            senders.add(List.copyOf(devices));
        }
        return senders;
    }

    /** Returns the scheduled messages never sent. */
    private long send(
            SocialinkClient client,
            List<List<DeviceCredentials>> senders,
            List<DeviceCredentials> recipients,
            ScheduledExecutorService progress)
            throws InterruptedException {
        long start = System.nanoTime() + START_DELAY.toNanos();
        measureStartNanos = start + options.warmup().toNanos();
        measureEndNanos = measureStartNanos + options.duration().toNanos();
        long fireDeadline = measureEndNanos + options.drainTimeout().toNanos();
        progress.scheduleAtFixedRate(
                new ReceiptProgress(start),
                PROGRESS_INTERVAL.toNanos(),
                PROGRESS_INTERVAL.toNanos(),
                TimeUnit.NANOSECONDS);

        OpenLoopScheduler scheduler = new OpenLoopScheduler(
                options.rate(), options.totalMessages(), System::nanoTime, LockSupport::parkNanos);
        long firedCount = scheduler.run(
                start,
                fireDeadline,
                (sequence, intended) -> fire(client, senders, recipients, sequence, intended, fireDeadline));

        // every send completes or times out within the request timeout
        slots.awaitIdle(REQUEST_TIMEOUT.plusSeconds(2));
        long drainDeadline = System.nanoTime() + options.drainTimeout().toNanos();
        while ((messages.lost() > 0 || receipts.incomplete() > 0) && System.nanoTime() - drainDeadline < 0) {
            Thread.sleep(100);
        }
        progress.shutdownNow();
        return options.totalMessages() - firedCount;
    }

    private boolean fire(
            SocialinkClient client,
            List<List<DeviceCredentials>> senders,
            List<DeviceCredentials> recipients,
            long sequence,
            long intended,
            long deadline)
            throws InterruptedException {
        if (!slots.acquire(deadline)) {
            return false;
        }
        List<DeviceCredentials> sender = senders.get((int) (sequence % senders.size()));
        // alternate the sending device, so each device both sends and sees receipts of its sibling's messages
        int sending = (int) ((sequence / senders.size()) % SENDER_DEVICES);
        DeviceCredentials from = sender.get(sending);
        DeviceCredentials recipient = recipients.get((int) (sequence % recipients.size()));
        boolean measured = intended - measureStartNanos >= 0;
        byte[] payload = BenchPayload.encode(sequence, intended, options.size());
        List<OutgoingCopy> copies = new ArrayList<>();
        copies.add(new OutgoingCopy(
                recipient.userId(),
                recipient.deviceId(),
                recipient.registrationId(),
                OutgoingCopy.DEFAULT_TYPE,
                payload));
        for (int d = 0; d < sender.size(); d++) {
            if (d != sending) {
                DeviceCredentials sibling = sender.get(d);
                copies.add(new OutgoingCopy(
                        sibling.userId(),
                        sibling.deviceId(),
                        sibling.registrationId(),
                        OutgoingCopy.DEFAULT_TYPE,
                        payload));
            }
        }
        fired.increment();
        if (measured) {
            measuredSent.increment();
        }
        slots.send(() -> client.sendAsync(from, recipient.userId(), "rcpt-" + sequence, copies), errors, now -> {
            messages.acked(sequence);
            if (measured) {
                sendAck.record(intended, now);
                measuredAcked.increment();
            }
        });
        return true;
    }

    /** A recipient device: takes the ack time of each new bench message as its listener returns. */
    private final class Recipient implements DeviceSocketListener {

        private final DeviceCredentials device;

        Recipient(DeviceCredentials device) {
            this.device = device;
        }

        @Override
        public void onEnvelope(Envelope envelope) {
            BenchPayload.Stamp stamp = BenchPayload.decode(envelope.content());
            if (stamp == null || !messages.received(stamp.sequence())) {
                return;
            }
            boolean measured = stamp.intendedNanos() - measureStartNanos >= 0;
            if (measured) {
                measuredRecipientAcks.increment();
            }
            // the last thing before returning: DeviceSocket queues the ack frame as soon as this returns
            receipts.acked(envelope.messageId(), device.address(), measured, System.nanoTime());
        }

        @Override
        public void onClose(CloseStatus status) {
            closedSockets.closed(device, status);
        }

        @Override
        public void onDisconnected(CloseStatus status) {
            closedSockets.disconnected(device, status);
        }

        @Override
        public void onReconnected(int attempt) {
            closedSockets.reconnected();
        }
    }

    /** One of a sender's devices: matches delivered receipts; the copies of its sibling's sends are just acked. */
    private final class SenderDevice implements DeviceSocketListener {

        private final DeviceCredentials device;
        private final int observer;

        SenderDevice(DeviceCredentials device, int observer) {
            this.device = device;
            this.observer = observer;
        }

        @Override
        public void onEnvelope(Envelope envelope) {}

        @Override
        public void onEvent(DeviceEvent event) {
            long now = System.nanoTime();
            if (!DeviceEvent.RECEIPT.equals(event.type())) {
                return;
            }
            for (Map<String, String> entry : event.entries()) {
                if (DELIVERED.equals(entry.get("status"))) {
                    receipt(entry, now);
                }
            }
        }

        private void receipt(Map<String, String> entry, long now) {
            String target = entry.get("targetMessageId");
            String about = entry.get("userId") + "." + entry.get("deviceId");
            UUID targetId;
            try {
                targetId = UUID.fromString(String.valueOf(target));
            } catch (IllegalArgumentException e) {
                errors.count("bad-receipt");
                return;
            }
            ReceiptLedger.Match match = receipts.receipt(targetId, about, observer, now);
            if (!match.measured()) {
                return;
            }
            long ackNanos = now - match.delayNanos();
            if (match.first()) {
                ackToFirst.record(ackNanos, now);
            }
            if (match.last()) {
                ackToLast.record(ackNanos, now);
            }
        }

        @Override
        public void onClose(CloseStatus status) {
            closedSockets.closed(device, status);
        }

        @Override
        public void onDisconnected(CloseStatus status) {
            closedSockets.disconnected(device, status);
        }

        @Override
        public void onReconnected(int attempt) {
            closedSockets.reconnected();
        }
    }

    private ReceiptBenchReport report(long unsent, ReceiptBenchReport.@Nullable ProjectionRate projectionRate) {
        long[] bySeen = receipts.measuredBySeen();
        long partial = 0;
        for (int seen = 1; seen < SENDER_DEVICES; seen++) {
            partial += bySeen[seen];
        }
        long measuredFirst = 0;
        for (int seen = 1; seen <= SENDER_DEVICES; seen++) {
            measuredFirst += bySeen[seen];
        }
        return new ReceiptBenchReport(
                options,
                SENDER_DEVICES,
                measuredSent.sum(),
                measuredAcked.sum(),
                measuredRecipientAcks.sum(),
                measuredFirst,
                bySeen[SENDER_DEVICES],
                errors.snapshot(),
                messages.lost(),
                bySeen[0],
                partial,
                receipts.otherDevice(),
                receipts.repeated(),
                receipts.unmatched(),
                slots.saturated(),
                unsent,
                closedSockets.count(),
                closedSockets.reconnects(),
                LatencySummary.of(sendAck.cumulative()),
                LatencySummary.of(ackToFirst.cumulative()),
                LatencySummary.of(ackToLast.cumulative()),
                projectionRate);
    }

    /** Prints achieved rates of the last interval and the percentiles so far. */
    private final class ReceiptProgress extends ProgressLine {

        private long lastFired;
        private long lastAcks;
        private long lastFirst;

        ReceiptProgress(long start) {
            super(start);
        }

        @Override
        void print(long now, long elapsedSeconds, double seconds) {
            long firedNow = fired.sum();
            long acksNow = receipts.acks();
            long firstNow = receipts.firstSeen();
            LatencySummary first = LatencySummary.of(ackToFirst.cumulative());
            LatencySummary last = LatencySummary.of(ackToLast.cumulative());
            long errorCount = errors.total();
            String phase = ProgressLine.phase(now, measureStartNanos, measureEndNanos);
            out.printf(
                    Locale.ROOT,
                    "[%4ds %-7s] sent %.0f/s recipient acks %.0f/s receipts %.0f/s | ack->first"
                            + " p50 %.2f p99 %.2f ms | ack->last p50 %.2f p99 %.2f ms | errors %d, in flight %d,"
                            + " awaiting receipts %d%n",
                    elapsedSeconds,
                    phase,
                    (firedNow - lastFired) / seconds,
                    (acksNow - lastAcks) / seconds,
                    (firstNow - lastFirst) / seconds,
                    first.p50Millis(),
                    first.p99Millis(),
                    last.p50Millis(),
                    last.p99Millis(),
                    errorCount,
                    slots.inFlight(),
                    receipts.incomplete());
            out.flush();
            lastFired = firedNow;
            lastAcks = acksNow;
            lastFirst = firstNow;
        }
    }
}
