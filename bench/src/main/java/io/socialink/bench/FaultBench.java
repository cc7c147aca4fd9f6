package io.socialink.bench;

import io.socialink.client.api.OutgoingCopy;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.mls.GroupIds;
import io.socialink.client.mls.GroupMessage;
import io.socialink.client.mls.MlsGroups;
import io.socialink.client.mls.MlsInbox;
import io.socialink.client.socket.CloseStatus;
import io.socialink.client.socket.DeviceSocket;
import io.socialink.client.socket.DeviceSocketListener;
import io.socialink.client.socket.Envelope;
import io.socialink.client.socket.SeenMessageIds;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The load of the fault suite ({@code bench-faults}, {@code infra/bench/faults.sh}): 1:1 messages on sender→recipient
 * device pairs and MLS group messages among the members of one group, sent at a fixed rate while something else
 * kills and restarts the apps and the broker. Every sender device sends one message at a time and retries it with
 * the same idempotency key until it is acknowledged (or its send budget is spent), and every recipient listens on
 * a socket that reconnects by itself; the {@link FaultLedger} then counts acknowledged-but-lost copies, duplicates
 * after the client's dedup and order gaps. Prints {@value #LOAD_STARTED} when the load begins, so that a fault
 * script knows when to start killing, and a progress line every ten seconds.
 */
public final class FaultBench {

    public static final String LOAD_STARTED = "fault load started";
    public static final String LOAD_DONE = "fault load done";
    private static final Duration QUEUE_EMPTY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final long PROGRESS_MILLIS = 10_000;
    private static final String PAYLOAD_PREFIX = "fault|";

    private final FaultBenchOptions options;
    private final PrintWriter out;
    private final FaultLedger ledger = new FaultLedger();
    private final ClosedSockets closedSockets;
    private final ErrorCounts errors = new ErrorCounts();
    private final LongAdder oneToOneAcked = new LongAdder();
    private final LongAdder groupAcked = new LongAdder();
    private final LongAdder unacknowledged = new LongAdder();
    private final LongAdder failedAttempts = new LongAdder();
    private final List<DeviceSocket> sockets = new ArrayList<>();
    private final List<MlsGroups> groups = new ArrayList<>();

    public FaultBench(FaultBenchOptions options, PrintWriter out) {
        this.options = options;
        this.out = out;
        this.closedSockets = new ClosedSockets(out);
    }

    public FaultReport run() throws InterruptedException {
        LoadGenerator.checkLoopback(options.server(), options.allowRemote());
        BenchHttp http = new BenchHttp(options.server(), BenchHttp.processorThreads(), REQUEST_TIMEOUT);
        // The sockets get an HTTP client of their own with the JDK's growing pool: a group member's socket thread
        // waits for the group's lock while that member's send holds it for the whole POST, whose answer must not
        // need a thread of the same fixed pool (a deadlock), nor may it stall the other devices' sockets.
        SocialinkClient socketClient = new SocialinkClient(options.server());
        try {
            SocialinkClient client = http.client();
            String run = BenchDevices.runId("flt");
            List<DeviceCredentials> senders = BenchDevices.register(client, run + "-s", options.streams());
            List<DeviceCredentials> recipients = BenchDevices.register(client, run + "-r", options.streams());
            for (DeviceCredentials recipient : recipients) {
                sockets.add(
                        DeviceSocket.connect(socketClient, recipient, new Receiver(recipient), new SeenMessageIds()));
            }
            List<GroupMember> members = new ArrayList<>();
            String groupId = options.groupMembers() > 0 ? setUpGroup(client, socketClient, run, members) : null;
            BenchDevices.awaitQueueEmpty(sockets, QUEUE_EMPTY_TIMEOUT);
            line("setup: %d 1:1 streams, %d group members (%s)", options.streams(), members.size(), run);

            long start = System.nanoTime() + 100_000_000L;
            line("%s: %d messages at %d/s", LOAD_STARTED, options.messages(), options.rate());
            List<Thread> workers = new ArrayList<>();
            for (int stream = 0; stream < options.streams(); stream++) {
                DeviceCredentials sender = senders.get(stream);
                DeviceCredentials recipient = recipients.get(stream);
                int index = stream;
                workers.add(start(new Thread(
                        () -> sendOneToOne(client, sender, recipient, index, start), "fault-1to1-" + stream)));
            }
            for (int member = 0; member < members.size(); member++) {
                int index = member;
                // members exist only when setUpGroup made the group
                String group = Objects.requireNonNull(groupId, "groupId");
                workers.add(
                        start(new Thread(() -> sendToGroup(group, members, index, start), "fault-group-" + member)));
            }
            AtomicBoolean loading = new AtomicBoolean(true);
            Thread progress = new Thread(() -> progress(loading), "fault-progress");
            progress.setDaemon(true);
            start(progress);
            for (Thread worker : workers) {
                worker.join();
            }
            loading.set(false);
            progress.interrupt();
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            line(
                    "%s after %.0f s: acked %d, unacknowledged %d",
                    LOAD_DONE, loadSeconds, oneToOneAcked.sum() + groupAcked.sum(), unacknowledged.sum());

            long drainStart = System.nanoTime();
            long drainDeadline = drainStart + options.drainTimeout().toNanos();
            while (ledger.missing() > 0 && System.nanoTime() < drainDeadline) {
                Thread.sleep(500);
            }
            double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
            closedSockets.finishing();
            long reconnects =
                    sockets.stream().mapToLong(DeviceSocket::reconnects).sum();
            long dropped =
                    sockets.stream().mapToLong(DeviceSocket::duplicatesDropped).sum();
            FaultReport report = new FaultReport(
                    options,
                    oneToOneAcked.sum(),
                    groupAcked.sum(),
                    unacknowledged.sum(),
                    failedAttempts.sum(),
                    ledger.ackedCopies(),
                    ledger.arrivals(),
                    ledger.missing(),
                    ledger.duplicates(),
                    dropped,
                    ledger.orderGaps(),
                    reconnects,
                    closedSockets.count(),
                    loadSeconds,
                    drainSeconds,
                    errors.snapshot(),
                    ledger.missingCopies(FaultReport.MISSING_LISTED));
            return report;
        } finally {
            closedSockets.finishing();
            sockets.forEach(DeviceSocket::close);
            groups.forEach(MlsGroups::close);
            http.shutdownNow();
        }
    }

    /** One group of {@code groupMembers} devices, created by the first with every other in one Add commit. */
    private String setUpGroup(
            SocialinkClient client, SocialinkClient socketClient, String run, List<GroupMember> members)
            throws InterruptedException {
        for (int i = 0; i < options.groupMembers(); i++) {
            DeviceCredentials device = client.register(run + "-g" + i, 0);
            GroupInbox inbox = new GroupInbox(device);
            MlsGroups memberGroups = MlsGroups.forDevice(client, device, inbox);
            groups.add(memberGroups);
            memberGroups.publishKeyPackages(1);
            DeviceSocket socket =
                    DeviceSocket.connect(socketClient, device, memberGroups.socketListener(null), new SeenMessageIds());
            sockets.add(socket);
            members.add(new GroupMember(device, memberGroups));
        }
        String groupId = GroupIds.random();
        GroupMember creator = members.get(0);
        creator.groups().create(groupId);
        creator.groups()
                .add(
                        groupId,
                        members.subList(1, members.size()).stream()
                                .map(member -> member.device().userId())
                                .toList());
        for (GroupMember member : members) {
            if (!member.groups().awaitGroup(groupId, JOIN_TIMEOUT)) {
                throw new IllegalStateException(member.device().address() + " did not join the group");
            }
        }
        return groupId;
    }

    private void sendOneToOne(
            SocialinkClient client, DeviceCredentials sender, DeviceCredentials recipient, int stream, long start) {
        long sequence = 0;
        for (long index = 0; index < options.messages(); index++) {
            if (options.isGroupMessage(index) || oneToOneIndex(index) % options.streams() != stream) {
                continue;
            }
            long seq = sequence++;
            byte[] payload = payload(seq);
            OutgoingCopy copy = new OutgoingCopy(
                    recipient.userId(),
                    recipient.deviceId(),
                    recipient.registrationId(),
                    OutgoingCopy.DEFAULT_TYPE,
                    payload);
            String key = "f-" + seq;
            if (sendWithRetries(start, index, () -> client.send(sender, recipient.userId(), key, List.of(copy)))) {
                ledger.acked(sender.address(), List.of(recipient.address()), seq);
                oneToOneAcked.increment();
            }
        }
    }

    private void sendToGroup(String groupId, List<GroupMember> members, int member, long start) {
        GroupMember sender = members.get(member);
        List<String> others = members.stream()
                .filter(other -> other != sender)
                .map(other -> other.device().address())
                .toList();
        long sequence = 0;
        for (long index = 0; index < options.messages(); index++) {
            if (!options.isGroupMessage(index) || (index / options.groupEvery()) % members.size() != member) {
                continue;
            }
            long seq = sequence++;
            byte[] payload = payload(seq);
            String key = "g-" + seq;
            if (sendWithRetries(start, index, () -> sender.groups().send(groupId, payload, key))) {
                ledger.acked(sender.device().address(), others, seq);
                groupAcked.increment();
            }
        }
    }

    /** Message {@code index}'s place among the 1:1 messages. */
    private long oneToOneIndex(long index) {
        return options.groupMembers() > 0 ? index - index / options.groupEvery() : index;
    }

    /** Waits for the message's time on the schedule, then sends until acknowledged; false when given up. */
    private boolean sendWithRetries(long start, long index, Runnable send) {
        long intended = start + (long) (index * 1e9 / options.rate());
        long wait = intended - System.nanoTime();
        if (wait > 0) {
            sleepNanos(wait);
        }
        long deadline = System.nanoTime() + options.sendBudget().toNanos();
        long pauseMillis = 50;
        while (true) {
            try {
                send.run();
                return true;
            } catch (RuntimeException e) {
                errors.count(e);
                failedAttempts.increment();
                if (System.nanoTime() - deadline > 0) {
                    unacknowledged.increment();
                    return false;
                }
                sleepNanos(pauseMillis * 1_000_000L);
                pauseMillis = Math.min(pauseMillis * 2, 1_000);
            }
        }
    }

    private void progress(AtomicBoolean loading) {
        while (loading.get()) {
            try {
                Thread.sleep(PROGRESS_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            line(
                    "progress: acked %d of %d, arrivals %d, failed attempts %d, unacknowledged %d, reconnects %d",
                    oneToOneAcked.sum() + groupAcked.sum(),
                    options.messages(),
                    ledger.arrivals(),
                    failedAttempts.sum(),
                    unacknowledged.sum(),
                    closedSockets.reconnects());
        }
    }

    private void line(String format, Object... args) {
        out.printf(Locale.ROOT, format + "%n", args);
        out.flush();
    }

    private static byte[] payload(long sequence) {
        return (PAYLOAD_PREFIX + sequence).getBytes(StandardCharsets.UTF_8);
    }

    /** The sequence number of one of this run's payloads; -1 for anything else. */
    static long sequence(byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8);
        if (!text.startsWith(PAYLOAD_PREFIX)) {
            return -1;
        }
        try {
            return Long.parseLong(text.substring(PAYLOAD_PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Thread start(Thread thread) {
        thread.start();
        return thread;
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private record GroupMember(DeviceCredentials device, MlsGroups groups) {}

    /** A 1:1 recipient: records each payload's arrival and the socket's connection events. */
    private final class Receiver implements DeviceSocketListener {

        private final DeviceCredentials device;

        Receiver(DeviceCredentials device) {
            this.device = device;
        }

        @Override
        public void onEnvelope(Envelope envelope) {
            long sequence = sequence(envelope.content());
            if (sequence >= 0) {
                ledger.arrived(envelope.senderAddress(), device.address(), sequence);
            }
        }

        @Override
        public void onDisconnected(CloseStatus status) {
            closedSockets.disconnected(device, status);
        }

        @Override
        public void onReconnected(int attempt) {
            closedSockets.reconnected();
        }

        @Override
        public void onClose(CloseStatus status) {
            closedSockets.closed(device, status);
        }
    }

    /** A group member: records each decrypted payload's arrival (not kept otherwise) and connection events. */
    private final class GroupInbox extends MlsInbox {

        private final DeviceCredentials device;

        GroupInbox(DeviceCredentials device) {
            this.device = device;
        }

        @Override
        public void onMessage(GroupMessage message) {
            long sequence = sequence(message.plaintext());
            if (sequence >= 0) {
                ledger.arrived(message.senderAddress(), device.address(), sequence);
            }
        }

        @Override
        public void onDisconnected(CloseStatus status) {
            closedSockets.disconnected(device, status);
        }

        @Override
        public void onReconnected(int attempt) {
            closedSockets.reconnected();
        }

        @Override
        public void onClose(CloseStatus status) {
            closedSockets.closed(device, status);
        }
    }
}
