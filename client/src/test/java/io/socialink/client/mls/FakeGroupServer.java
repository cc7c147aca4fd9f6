package io.socialink.client.mls;

import io.socialink.client.api.DeviceRef;
import io.socialink.client.api.GroupMembersAdded;
import io.socialink.client.api.GroupSendResult;
import io.socialink.client.api.KeyPackageClaim;
import io.socialink.client.api.KeyPackageCount;
import io.socialink.client.api.ProblemException;
import io.socialink.client.socket.DeviceEvent;
import io.socialink.client.socket.Envelope;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.mls.codec.MLSInputStream;
import org.bouncycastle.mls.codec.MLSMessage;

/**
 * An in-memory Delivery Service following docs/groups.md closely enough for client tests: a KeyPackage directory,
 * one writer per group (a lock) accepting one Commit per epoch and answering the others 409 {@code stale-epoch} with
 * the current epoch, rosters by leaf, pending removals after a leave, and fan-out of copies 10/11/12 and
 * {@code group-member-left} events to each device through its own ordered "socket" thread. Deliveries to a device
 * can be held back to make messages arrive late.
 */
final class FakeGroupServer implements AutoCloseable {

    private static final String PROBLEMS = "https://socialink.io/problems/";

    /** One registered device: its groups, what they reported, and its delivery thread. */
    final class Device implements MlsDeliveryService {

        final String userId;
        final int deviceId;
        final MlsInbox inbox = new MlsInbox();
        final MlsGroups groups;
        private final ExecutorService socket;
        private final Deque<Runnable> held = new ArrayDeque<>();
        private boolean holding;

        Device(String userId, int deviceId) {
            this.userId = userId;
            this.deviceId = deviceId;
            this.groups = new MlsGroups(MlsIdentity.generate(userId, deviceId), this, inbox);
            this.socket = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "socket-" + address());
                thread.setDaemon(true);
                return thread;
            });
        }

        String address() {
            return userId + "." + deviceId;
        }

        /** Deliveries wait until {@link #release()}. */
        synchronized void hold() {
            holding = true;
        }

        synchronized void release() {
            holding = false;
            while (!held.isEmpty()) {
                submit(held.removeFirst());
            }
        }

        synchronized void deliver(Runnable delivery) {
            if (holding) {
                held.addLast(delivery);
            } else {
                submit(delivery);
            }
        }

        private void submit(Runnable delivery) {
            inFlight.incrementAndGet();
            socket.execute(() -> {
                try {
                    delivery.run();
                } finally {
                    inFlight.decrementAndGet();
                }
            });
        }

        // ---- MlsDeliveryService, as this device ----

        @Override
        public void uploadKeyPackages(List<byte[]> keyPackages, byte[] lastResort) {
            synchronized (FakeGroupServer.this) {
                oneTime.computeIfAbsent(address(), a -> new ArrayDeque<>()).addAll(keyPackages);
                if (lastResort != null) {
                    lastResorts.put(address(), lastResort);
                }
            }
        }

        @Override
        public KeyPackageCount keyPackageCount() {
            synchronized (FakeGroupServer.this) {
                return new KeyPackageCount(
                        oneTime.getOrDefault(address(), new ArrayDeque<>()).size(), lastResorts.containsKey(address()));
            }
        }

        @Override
        public KeyPackageClaim claimKeyPackages(Collection<String> users, boolean skipOwnDevices) {
            synchronized (FakeGroupServer.this) {
                claims.incrementAndGet();
                List<KeyPackageClaim.Claimed> claimed = new ArrayList<>();
                List<DeviceRef> missing = new ArrayList<>();
                for (String user : users) {
                    for (Device device : devices(user)) {
                        if (skipOwnDevices && device == this) {
                            continue;
                        }
                        Deque<byte[]> stock = oneTime.getOrDefault(device.address(), new ArrayDeque<>());
                        if (!stock.isEmpty()) {
                            claimed.add(new KeyPackageClaim.Claimed(user, device.deviceId, stock.removeFirst(), false));
                        } else if (lastResorts.containsKey(device.address())) {
                            claimed.add(new KeyPackageClaim.Claimed(
                                    user, device.deviceId, lastResorts.get(device.address()), true));
                        } else {
                            missing.add(new DeviceRef(user, device.deviceId));
                        }
                    }
                }
                return new KeyPackageClaim(claimed, missing);
            }
        }

        @Override
        public long createGroup(String groupId, int cipherSuite) {
            synchronized (FakeGroupServer.this) {
                if (rosters.containsKey(groupId)) {
                    throw problem(409, "group-exists", null);
                }
                Roster roster = new Roster();
                roster.leaves.add(address());
                roster.admins.add(userId);
                rosters.put(groupId, roster);
                return 0;
            }
        }

        @Override
        public GroupMembersAdded addMembers(
                String groupId, long epoch, byte[] commit, byte[] welcome, byte[] groupInfo) {
            race();
            synchronized (FakeGroupServer.this) {
                Roster roster = roster(groupId);
                requireAdmin(roster);
                CommitSummary summary = checkCommit(roster, epoch, commit);
                if (!new TreeSet<>(summary.removedLeaves()).equals(roster.pending)) {
                    throw problem(409, "device-mismatch", null);
                }
                List<String> before = new ArrayList<>(roster.leaves);
                for (int leaf : summary.removedLeaves()) {
                    roster.leaves.set(leaf, null);
                }
                roster.pending.clear();
                List<DeviceRef> added = new ArrayList<>();
                for (String address : summary.addedAddresses()) {
                    if (roster.leaves.contains(address)) {
                        throw problem(409, "already-member", null);
                    }
                    roster.add(address);
                    int dot = address.lastIndexOf('.');
                    added.add(new DeviceRef(address.substring(0, dot), Integer.parseInt(address.substring(dot + 1))));
                }
                roster.epoch++;
                fanOutCommit(groupId, roster, before, commit);
                for (DeviceRef joiner : added) {
                    Device device = device(joiner.address());
                    Envelope envelope = envelope(Envelope.MLS_WELCOME, welcome, groupId);
                    welcomes.add(envelope);
                    device.deliver(() -> device.groups.handle(envelope));
                }
                return new GroupMembersAdded(roster.epoch, added);
            }
        }

        @Override
        public long removeMember(String groupId, String removedUser, long epoch, byte[] commit, byte[] groupInfo) {
            race();
            synchronized (FakeGroupServer.this) {
                Roster roster = roster(groupId);
                requireAdmin(roster);
                CommitSummary summary = checkCommit(roster, epoch, commit);
                Set<Integer> expected = new TreeSet<>(roster.pending);
                for (int leaf = 0; leaf < roster.leaves.size(); leaf++) {
                    String address = roster.leaves.get(leaf);
                    if (address != null && address.startsWith(removedUser + ".")) {
                        expected.add(leaf);
                    }
                }
                if (!expected.equals(new TreeSet<>(summary.removedLeaves()))
                        || !summary.addedAddresses().isEmpty()) {
                    throw problem(409, "device-mismatch", null);
                }
                applyRemoves(groupId, roster, summary, commit);
                return roster.epoch;
            }
        }

        @Override
        public long leave(String groupId) {
            synchronized (FakeGroupServer.this) {
                Roster roster = roster(groupId);
                List<Integer> leaves = new ArrayList<>();
                for (int leaf = 0; leaf < roster.leaves.size(); leaf++) {
                    String address = roster.leaves.get(leaf);
                    if (address != null && address.startsWith(userId + ".")) {
                        leaves.add(leaf);
                    }
                }
                roster.pending.addAll(leaves);
                String text =
                        String.join(",", leaves.stream().map(String::valueOf).toList());
                for (Device device : roster.receivers(null)) {
                    DeviceEvent event = new DeviceEvent(
                            DeviceEvent.GROUP_MEMBER_LEFT,
                            UUID.randomUUID(),
                            Map.of("groupId", groupId, "userId", userId, "leaves", text));
                    device.deliver(() -> device.groups.handle(event));
                }
                return roster.epoch;
            }
        }

        @Override
        public long commit(String groupId, long epoch, byte[] commit, byte[] groupInfo) {
            race();
            synchronized (FakeGroupServer.this) {
                Roster roster = roster(groupId);
                if (epoch == roster.epoch - 1 && java.util.Arrays.equals(commit, roster.lastCommit)) {
                    return roster.epoch; // the retry of the Commit that won: accepted again
                }
                CommitSummary summary = checkCommit(roster, epoch, commit);
                if (!new TreeSet<>(summary.removedLeaves()).equals(roster.pending)
                        || !summary.addedAddresses().isEmpty()) {
                    throw problem(409, "device-mismatch", null);
                }
                applyRemoves(groupId, roster, summary, commit);
                roster.lastCommit = commit;
                if (loseNextAnswer.compareAndSet(true, false)) {
                    throw problem(503, "group-service-unavailable", null);
                }
                return roster.epoch;
            }
        }

        @Override
        public GroupSendResult send(String groupId, byte[] message, String idempotencyKey) {
            synchronized (FakeGroupServer.this) {
                Roster roster = roster(groupId);
                long epoch;
                try {
                    epoch = ((MLSMessage) MLSInputStream.decode(message, MLSMessage.class)).getEpoch();
                } catch (IOException e) {
                    throw problem(422, "invalid-mls-message", null);
                }
                if (epoch < roster.epoch - 2) {
                    throw problem(409, "stale-epoch", roster.epoch);
                }
                if (epoch > roster.epoch) {
                    throw problem(422, "invalid-epoch", roster.epoch);
                }
                // the gateway keeps a key bound to its bytes through a 503; other bytes under it are refused
                byte[] bound = sendBindings.putIfAbsent(address() + "/" + idempotencyKey, message);
                if (bound != null && !java.util.Arrays.equals(bound, message)) {
                    throw problem(422, "idempotency-key-reused", null);
                }
                if (unavailableSends.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                    throw problem(503, "group-service-unavailable", null);
                }
                List<Device> receivers = roster.receivers(this);
                UUID messageId = UUID.randomUUID();
                for (Device device : receivers) {
                    Envelope envelope = new Envelope(
                            messageId,
                            userId,
                            deviceId,
                            Envelope.MLS_APPLICATION,
                            message,
                            System.currentTimeMillis(),
                            null,
                            groupId);
                    device.deliver(() -> device.groups.handle(envelope));
                }
                return new GroupSendResult(messageId, roster.epoch, receivers.size());
            }
        }

        private void requireAdmin(Roster roster) {
            if (!roster.admins.contains(userId)) {
                throw problem(403, "not-admin", null);
            }
        }

        private CommitSummary checkCommit(Roster roster, long epoch, byte[] commit) {
            if (!roster.leaves.contains(address()) || roster.pending.contains(roster.leaves.indexOf(address()))) {
                throw problem(403, "not-a-member", null);
            }
            if (epoch < roster.epoch) {
                staleAnswers.incrementAndGet();
                throw problem(409, "stale-epoch", roster.epoch);
            }
            if (epoch > roster.epoch) {
                throw problem(422, "invalid-epoch", roster.epoch);
            }
            CommitSummary summary = CommitSummary.read(commit);
            if (summary.epoch() != epoch || summary.committerLeaf() != roster.leaves.indexOf(address())) {
                throw problem(422, "invalid-mls-message", null);
            }
            return summary;
        }

        private void applyRemoves(String groupId, Roster roster, CommitSummary summary, byte[] commit) {
            List<String> before = new ArrayList<>(roster.leaves);
            for (int leaf : summary.removedLeaves()) {
                roster.leaves.set(leaf, null);
                roster.pending.remove(leaf);
            }
            while (!roster.leaves.isEmpty() && roster.leaves.get(roster.leaves.size() - 1) == null) {
                roster.leaves.remove(roster.leaves.size() - 1);
            }
            roster.epoch++;
            fanOutCommit(groupId, roster, before, commit);
        }

        private void fanOutCommit(String groupId, Roster roster, List<String> before, byte[] commit) {
            Envelope envelope = envelope(Envelope.MLS_COMMIT, commit, groupId);
            for (String address : before) {
                if (address != null && !address.equals(address())) {
                    Device device = device(address);
                    device.deliver(() -> device.groups.handle(envelope));
                }
            }
        }

        private Envelope envelope(int type, byte[] content, String groupId) {
            return new Envelope(
                    UUID.randomUUID(), userId, deviceId, type, content, System.currentTimeMillis(), null, groupId);
        }
    }

    /** A group's roster: device address per leaf (null = blank), admins, pending removals, epoch. */
    private final class Roster {
        final List<String> leaves = new ArrayList<>();
        final Set<String> admins = new HashSet<>();
        final Set<Integer> pending = new TreeSet<>();
        long epoch;
        byte[] lastCommit;

        void add(String address) {
            int blank = leaves.indexOf(null);
            if (blank >= 0) {
                leaves.set(blank, address);
            } else {
                leaves.add(address);
            }
        }

        /** Member devices that receive messages: not pending, not {@code except}. */
        List<Device> receivers(Device except) {
            List<Device> receivers = new ArrayList<>();
            for (int leaf = 0; leaf < leaves.size(); leaf++) {
                String address = leaves.get(leaf);
                if (address != null
                        && !pending.contains(leaf)
                        && (except == null || !address.equals(except.address()))) {
                    receivers.add(device(address));
                }
            }
            return receivers;
        }
    }

    private final Map<String, List<Device>> devicesByUser = new HashMap<>();
    private final Map<String, Deque<byte[]>> oneTime = new HashMap<>();
    private final Map<String, byte[]> lastResorts = new HashMap<>();
    private final Map<String, Roster> rosters = new HashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<CyclicBarrier> race = new AtomicReference<>();
    final AtomicInteger staleAnswers = new AtomicInteger();
    final AtomicInteger claims = new AtomicInteger();
    /** Every Welcome copy handed out, in order. */
    final List<Envelope> welcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Group sends answered 503 {@code group-service-unavailable} (not applied) before the next one goes through. */
    final AtomicInteger unavailableSends = new AtomicInteger();
    /** The bytes each idempotency key of a group send was first posted with, by sender address and key. */
    private final Map<String, byte[]> sendBindings = new java.util.concurrent.ConcurrentHashMap<>();
    /** The next accepted update Commit is answered 503 although applied, as a gateway timing out would. */
    final java.util.concurrent.atomic.AtomicBoolean loseNextAnswer = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Registers a new device of {@code userId} and publishes {@code keyPackages} one-time KeyPackages and a
     * last-resort one for it (none at all when negative).
     */
    synchronized Device device(String userId, int keyPackages) {
        List<Device> devices = devicesByUser.computeIfAbsent(userId, u -> new ArrayList<>());
        Device device = new Device(userId, devices.size() + 1);
        devices.add(device);
        if (keyPackages >= 0) {
            device.groups.publishKeyPackages(keyPackages);
        }
        return device;
    }

    synchronized List<Device> devices(String userId) {
        return List.copyOf(devicesByUser.getOrDefault(userId, List.of()));
    }

    synchronized Device device(String address) {
        int dot = address.lastIndexOf('.');
        return devicesByUser.get(address.substring(0, dot)).get(Integer.parseInt(address.substring(dot + 1)) - 1);
    }

    synchronized long epoch(String groupId) {
        return rosters.get(groupId).epoch;
    }

    synchronized List<String> roster(String groupId, boolean withPending) {
        Roster roster = rosters.get(groupId);
        List<String> members = new ArrayList<>();
        for (int leaf = 0; leaf < roster.leaves.size(); leaf++) {
            if (roster.leaves.get(leaf) != null && (withPending || !roster.pending.contains(leaf))) {
                members.add(roster.leaves.get(leaf));
            }
        }
        return members;
    }

    /** The next {@code parties} commit posts wait for each other, so they are all built on the same epoch. */
    void raceNextCommits(int parties) {
        race.set(new CyclicBarrier(parties, () -> race.set(null)));
    }

    /** Waits until every delivery handed to a device thread has been handled. */
    void awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("deliveries still in flight: " + inFlight.get());
            }
            Thread.sleep(5);
        }
    }

    private void race() {
        CyclicBarrier barrier = race.get();
        if (barrier != null) {
            try {
                barrier.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("commit race did not start", e);
            }
        }
    }

    private Roster roster(String groupId) {
        Roster roster = rosters.get(groupId);
        if (roster == null) {
            throw problem(404, "unknown-group", null);
        }
        return roster;
    }

    private static ProblemException problem(int status, String name, Long epoch) {
        return new ProblemException(status, PROBLEMS + name, name, null, List.of(), List.of(), epoch);
    }

    @Override
    public synchronized void close() {
        for (List<Device> devices : devicesByUser.values()) {
            for (Device device : devices) {
                device.socket.shutdownNow();
                device.groups.close();
            }
        }
    }
}
