package io.socialink.client.mls;

import io.socialink.client.api.DeviceRef;
import io.socialink.client.api.GroupSendResult;
import io.socialink.client.api.KeyPackageClaim;
import io.socialink.client.api.KeyPackageCount;
import io.socialink.client.api.ProblemException;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.socket.CloseStatus;
import io.socialink.client.socket.DeviceEvent;
import io.socialink.client.socket.DeviceSocketListener;
import io.socialink.client.socket.Envelope;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.TreeKEM.LeafIndex;
import org.bouncycastle.mls.TreeKEM.LeafNode;
import org.bouncycastle.mls.TreeKEM.TreeKEMPublicKey;
import org.bouncycastle.mls.codec.Extension;
import org.bouncycastle.mls.codec.KeyPackage;
import org.bouncycastle.mls.codec.MLSInputStream;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.MLSOutputStream;
import org.bouncycastle.mls.codec.Proposal;
import org.bouncycastle.mls.codec.ProposalType;
import org.bouncycastle.mls.codec.WireFormat;
import org.bouncycastle.mls.crypto.Secret;
import org.bouncycastle.mls.protocol.Group;
import org.jspecify.annotations.Nullable;

/**
 * The MLS groups (RFC 9420, bcmls) of one device, against the Delivery Service of docs/groups.md:
 * <ul>
 *   <li>{@link #publishKeyPackages} / {@link #refillKeyPackages}: KeyPackages in the directory, private halves kept
 *   here ({@link MlsKeyPackages}); a Welcome consumes one and a refill follows in the background.</li>
 *   <li>{@link #create}, {@link #add} (one Commit with all the Adds, inline ratchet tree, Welcome as its own
 *   {@code mls_welcome} message), {@link #remove} (every leaf of the user), {@link #update} (path update),
 *   {@link #leave} (no commit: the remaining members commit the removal) and {@link #send} (PrivateMessage).
 *   Handshake messages are PublicMessages so the server can check the proposals. The committer keeps the next
 *   epoch's group once the server accepted its Commit (it never processes its own Commit).</li>
 *   <li>Stale epoch: when the server answers 409 {@code stale-epoch}, the call waits (releasing the group) until the
 *   Commits it receives bring the group to the server's epoch (at most {@link #EPOCH_WAIT}), rebuilds its Commit on
 *   that epoch and posts again, at most {@link #MAX_COMMIT_ATTEMPTS} times. So the caller must keep feeding received
 *   envelopes ({@link #handle}, or a socket with {@link #socketListener}) from another thread than the one calling.</li>
 *   <li>{@link #handle} applies received group envelopes: type 12 Welcome joins, type 11 Commit advances the epoch (a
 *   Commit that removes this device is detected from its proposals first, since bcmls cannot process it: the group
 *   is dropped and reported {@link MlsGroupListener.Departure#REMOVED}), type 10 decrypts. A group decrypts only its
 *   own epoch, so the groups of the last {@link #PREVIOUS_EPOCHS_KEPT} epochs are kept for late application
 *   messages (the server accepts messages of epochs [current−2, current]).</li>
 *   <li>{@code group-member-left}: the user's leaves become pending removals; every Commit this device builds removes
 *   them too (the server requires it of every Commit, Add commits included). The remaining
 *   device with the lowest leaf index commits them at once, in the background; if it is offline, the next Commit of
 *   any member does.</li>
 * </ul>
 * <b>State lives in memory only</b>: bcmls cannot serialize a {@code Group}, so a restarted client has no groups
 * (and cannot use the KeyPackages it uploaded before); it must be added again.
 * <p>Thread-safe: bcmls groups are not, so every operation on one group runs under that group's lock (held across
 * the POST of a Commit, so an envelope of the new epoch waits until the accepted Commit's group is in place, and
 * released while waiting for an epoch); bcmls computations of all groups in the JVM are serialized besides (see
 * {@code Bcmls}: its cipher suites are shared singletons with stateful signers).
 * <p>Known limits: bcmls 1.84 cannot commit a path in a one-leaf tree, so a Commit that would leave this device
 * alone (removing the last other member, an update alone) is refused with an {@link MlsException}. The sender of an
 * application message is the device the gateway names: bcmls verifies the member's signature but does not expose
 * its leaf.
 */
public final class MlsGroups implements AutoCloseable {

    /** Epochs before the current one whose groups are kept to decrypt late application messages. */
    public static final int PREVIOUS_EPOCHS_KEPT = 2;
    /** Attempts of one add/remove/update/send before a 409 {@code stale-epoch} is given up on and thrown. */
    public static final int MAX_COMMIT_ATTEMPTS = 5;
    /** Posts of the same Commit or message bytes when the answer was lost or the gateway answered 503. */
    public static final int MAX_RESENDS = 3;

    /** Unanswered sends whose bytes a group keeps for a retry under the same idempotency key; the oldest go first. */
    static final int MAX_UNANSWERED_SENDS = 256;
    /** How long a stale Commit waits for the received Commits to bring the group to the server's epoch. */
    public static final Duration EPOCH_WAIT = Duration.ofSeconds(15);
    /** How long a Commit refused for pending removals this device has not heard of waits for the event. */
    public static final Duration PENDING_WAIT = Duration.ofSeconds(3);
    /** One-time KeyPackages a publish or refill tops the directory up to. */
    public static final int KEY_PACKAGE_TARGET = 50;
    /** A refill after a Welcome uploads when the directory holds fewer one-time KeyPackages than this. */
    public static final int KEY_PACKAGE_LOW_WATER = 10;

    private static final MlsGroupListener NO_LISTENER = message -> {};

    private final MlsIdentity identity;
    private final MlsKeyPackages keyPackages;
    private final MlsDeliveryService service;
    private final MlsGroupListener listener;
    private final Map<String, GroupState> groups = new ConcurrentHashMap<>();
    private final Set<String> departed = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();
    private final AtomicBoolean refilling = new AtomicBoolean();
    private final Object joinMonitor = new Object();
    private final Object executorLock = new Object();
    private volatile boolean published;
    private @Nullable ExecutorService background;

    public MlsGroups(MlsIdentity identity, MlsDeliveryService service, MlsGroupListener listener) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.service = Objects.requireNonNull(service, "service");
        this.listener = listener == null ? NO_LISTENER : listener;
        this.keyPackages = new MlsKeyPackages(identity);
    }

    /** Groups of a registered device with a fresh MLS identity, talking to the gateway. */
    public static MlsGroups forDevice(SocialinkClient client, DeviceCredentials device, MlsGroupListener listener) {
        return new MlsGroups(MlsIdentity.generate(device), new GatewayDeliveryService(client, device), listener);
    }

    public MlsIdentity identity() {
        return identity;
    }

    public MlsKeyPackages keyPackages() {
        return keyPackages;
    }

    // ---- KeyPackages ----

    /**
     * Uploads {@code oneTime} new one-time KeyPackages (in requests of at most 100) and a new last-resort one, and
     * turns on the refill after each Welcome.
     */
    public void publishKeyPackages(int oneTime) {
        byte[] lastResort = keyPackages.generateLastResort();
        List<byte[]> all = keyPackages.generate(oneTime);
        if (all.isEmpty()) {
            service.uploadKeyPackages(List.of(), lastResort);
        }
        for (int from = 0; from < all.size(); from += 100) {
            service.uploadKeyPackages(
                    all.subList(from, Math.min(all.size(), from + 100)), from == 0 ? lastResort : null);
        }
        published = true;
    }

    /** {@link #publishKeyPackages(int)} with {@link #KEY_PACKAGE_TARGET}. */
    public void publishKeyPackages() {
        publishKeyPackages(KEY_PACKAGE_TARGET);
    }

    /**
     * Asks the directory for this device's stock and, below {@link #KEY_PACKAGE_LOW_WATER}, uploads one-time
     * KeyPackages up to {@link #KEY_PACKAGE_TARGET} (and a last-resort one when there is none); answers the stock.
     */
    public KeyPackageCount refillKeyPackages() {
        KeyPackageCount count = service.keyPackageCount();
        if (count.count() >= KEY_PACKAGE_LOW_WATER && count.lastResort()) {
            return count;
        }
        List<byte[]> more = keyPackages.generate(Math.max(0, KEY_PACKAGE_TARGET - count.count()));
        byte[] lastResort = count.lastResort() ? null : keyPackages.generateLastResort();
        service.uploadKeyPackages(more, lastResort);
        published = true;
        return new KeyPackageCount(count.count() + more.size(), true);
    }

    // ---- group operations ----

    /** Creates the group with this device alone in it (epoch 0). 409 {@code group-exists} as a ProblemException. */
    public long create(String groupId) {
        byte[] id = GroupIds.decode(groupId);
        Group group;
        try {
            group = Bcmls.call(() -> {
                AsymmetricCipherKeyPair leafKeys = identity.suite().getHPKE().generatePrivateKey();
                LeafNode leaf = identity.leafNode(leafKeys);
                return new Group(
                        id,
                        identity.suite(),
                        leafKeys,
                        identity.signaturePrivateKey(),
                        leaf,
                        new ArrayList<Extension>());
            });
        } catch (Exception e) {
            throw new MlsException("cannot create group " + groupId + ": " + e.getMessage(), e);
        }
        long epoch = service.createGroup(groupId, MlsIdentity.CIPHER_SUITE);
        GroupState previous = groups.put(groupId, new GroupState(groupId, group));
        if (previous != null) {
            previous.drop();
        }
        departed.remove(groupId);
        return epoch;
    }

    /**
     * Adds every active device of each user (the own user's other devices when it is listed) in one Commit, which
     * also removes the pending leaves; devices already in the group are left out, a user fully in it is skipped.
     * Answers the group's epoch afterwards.
     */
    public long add(String groupId, Collection<String> users) {
        List<String> wanted = List.copyOf(new LinkedHashSet<>(users));
        if (wanted.isEmpty()) {
            throw new IllegalArgumentException("no users to add");
        }
        return withGroup(groupId, state -> {
            KeyPackageClaim[] claim = {claim(wanted)};
            return commitWithRetries(
                    state,
                    () -> {
                        List<KeyPackage> joiners = joiners(state, claim[0]);
                        if (joiners.isEmpty()) {
                            return state.current.getEpoch();
                        }
                        List<Proposal> proposals = removes(state.pendingRemovals());
                        for (KeyPackage keyPackage : joiners) {
                            proposals.add(Proposal.add(keyPackage));
                        }
                        Built built = build(state, proposals, false);
                        long epoch = resending(() -> service.addMembers(
                                        groupId,
                                        built.epoch,
                                        built.commit,
                                        // a Commit with Add proposals always has a Welcome
                                        Objects.requireNonNull(built.welcome, "welcome"),
                                        built.groupInfo))
                                .epoch();
                        state.install(built.next, built.removed);
                        return epoch;
                    },
                    problem -> {
                        if (problem.mismatches().stream()
                                .anyMatch(mismatch -> wanted.contains(mismatch.userId())
                                        && !mismatch.missingDevices().isEmpty())) {
                            claim[0] = claim(wanted); // a device of an added user appeared after the claim
                        } else {
                            state.awaitPendingRemovals(PENDING_WAIT);
                        }
                    });
        });
    }

    /**
     * Removes every device of {@code userId} (and any pending removals) in one Commit; the own user means
     * {@link #leave}. Answers the group's epoch afterwards (unchanged when the user is not in the group).
     */
    public long remove(String groupId, String userId) {
        if (userId.equals(identity.userId())) {
            return leave(groupId);
        }
        return withGroup(
                groupId,
                state -> commitWithRetries(
                        state,
                        () -> {
                            Set<Integer> leaves = leavesOf(state.current.getTree(), userId);
                            if (leaves.isEmpty()) {
                                return state.current.getEpoch();
                            }
                            leaves.addAll(state.pendingRemovals());
                            Built built = build(state, removes(leaves), true);
                            long epoch = resending(() ->
                                    service.removeMember(groupId, userId, built.epoch, built.commit, built.groupInfo));
                            state.install(built.next, built.removed);
                            return epoch;
                        },
                        problem -> state.awaitPendingRemovals(PENDING_WAIT)));
    }

    /** A key rotation: a Commit with a path update (and the pending removals). Answers the new epoch. */
    public long update(String groupId) {
        return withGroup(
                groupId,
                state -> commitWithRetries(
                        state,
                        () -> {
                            Built built = build(state, removes(state.pendingRemovals()), true);
                            long epoch = resending(
                                    () -> service.commit(groupId, built.epoch, built.commit, built.groupInfo));
                            state.install(built.next, built.removed);
                            return epoch;
                        },
                        problem -> state.awaitPendingRemovals(PENDING_WAIT)));
    }

    /** Commits the pending removals, if any (an update Commit); answers the group's epoch afterwards. */
    public long commitPendingRemovals(String groupId) {
        return withGroup(groupId, this::commitPendingRemovals);
    }

    /**
     * Leaves the group: the server turns this user's leaves into pending removals that the remaining members commit;
     * this device drops the group at once. Answers the epoch the server reported.
     */
    public long leave(String groupId) {
        long epoch = withGroup(groupId, state -> {
            long answered = service.leave(groupId);
            depart(state);
            return answered;
        });
        // listeners are called without a group lock held, so they may query the groups
        listener.onRemoved(groupId, MlsGroupListener.Departure.LEFT);
        return epoch;
    }

    /** {@link #send(String, byte[], String)} with a fresh idempotency key. */
    public GroupSendResult send(String groupId, byte[] plaintext) {
        return send(groupId, plaintext, UUID.randomUUID().toString());
    }

    /**
     * Encrypts {@code plaintext} as a PrivateMessage of the current epoch and sends it to every other member device;
     * on 409 {@code stale-epoch} waits for the group to catch up, encrypts again and retries with the same
     * idempotency key.
     *
     * <p>A send that ends without an answer (the gateway unreachable, or 503 {@code group-service-unavailable}
     * {@link #MAX_RESENDS} times) leaves its key bound on the server to those exact bytes: the command may still be
     * applied. A later call with the same key and plaintext therefore posts the same bytes again instead of a fresh
     * encryption, which the server would refuse for good as 422 {@code idempotency-key-reused}.
     */
    public GroupSendResult send(String groupId, byte[] plaintext, String idempotencyKey) {
        Objects.requireNonNull(plaintext, "plaintext");
        return withGroup(
                groupId,
                state -> commitWithRetries(
                        state,
                        () -> {
                            byte[] message = state.unanswered(
                                    idempotencyKey,
                                    plaintext,
                                    () -> Bcmls.call(() ->
                                            MLSOutputStream.encode(state.current.protect(new byte[0], plaintext, 0))));
                            try {
                                GroupSendResult sent = resending(() -> service.send(groupId, message, idempotencyKey));
                                state.answered(idempotencyKey);
                                return sent;
                            } catch (ProblemException problem) {
                                // any refusal but 503 frees the key on the server (a stale epoch is encrypted anew)
                                if (problem.status() != 503) {
                                    state.answered(idempotencyKey);
                                }
                                throw problem;
                            }
                        },
                        null));
    }

    // ---- receiving ----

    /**
     * Applies a received envelope of a group (type 10, 11 or 12) and reports the outcome to the listener; envelopes
     * without a group id are ignored. Never throws for a bad envelope: it is reported as undecryptable.
     */
    public void handle(Envelope envelope) {
        if (!envelope.isGroup()) {
            return;
        }
        try {
            switch (envelope.ciphertextType()) {
                case Envelope.MLS_WELCOME -> join(envelope);
                case Envelope.MLS_COMMIT -> applyCommit(envelope);
                case Envelope.MLS_APPLICATION -> decrypt(envelope);
                default -> throw new MlsException("unsupported group ciphertext type " + envelope.ciphertextType());
            }
        } catch (MlsException e) {
            listener.onUndecryptable(envelope, e);
        } catch (Exception e) {
            listener.onUndecryptable(
                    envelope,
                    new MlsException(
                            "cannot use " + envelope.messageId() + " of group " + envelope.groupId() + ": "
                                    + e.getMessage(),
                            e));
        }
    }

    /** Applies a {@code group-member-left} event; other events are ignored. */
    public void handle(DeviceEvent event) {
        if (!DeviceEvent.GROUP_MEMBER_LEFT.equals(event.type())) {
            return;
        }
        String groupId = event.attributes().get("groupId");
        String userId = event.attributes().get("userId");
        GroupState state = groupId == null ? null : groups.get(groupId);
        if (groupId == null || state == null || userId == null) {
            return;
        }
        List<Integer> leaves = parseLeaves(event.attributes().get("leaves"));
        if (userId.equals(identity.userId())) {
            // another device of this user left the group: this one is out too
            state.lock.lock();
            try {
                depart(state);
            } finally {
                state.lock.unlock();
            }
            listener.onRemoved(groupId, MlsGroupListener.Departure.LEFT);
            return;
        }
        boolean commitNow;
        state.lock.lock();
        try {
            if (state.gone) {
                return;
            }
            TreeKEMPublicKey tree = state.current.getTree();
            for (int leaf : leaves) {
                if (leafNode(tree, leaf) != null) {
                    state.pending.add(leaf);
                }
            }
            state.changed.signalAll();
            commitNow = !state.pending.isEmpty()
                    && lowestRemainingLeaf(state) == state.current.getIndex().value();
        } finally {
            state.lock.unlock();
        }
        listener.onMemberLeft(groupId, userId, leaves);
        if (commitNow) {
            inBackground(() -> commitPendingRemovals(groupId));
        }
    }

    /**
     * A socket listener: group envelopes and {@code group-member-left} events are handled here, everything else goes
     * to {@code others} (e.g. a {@code SecureMessenger} listener for 1:1 messages), or, when null, envelopes to the
     * groups' listener as undecryptable and events to its {@code onEvent}.
     */
    public DeviceSocketListener socketListener(@Nullable DeviceSocketListener others) {
        return new GroupSocketListener(others);
    }

    // ---- queries (for callers and tests) ----

    public boolean isMember(String groupId) {
        return groups.containsKey(groupId);
    }

    public Set<String> groupIds() {
        return Set.copyOf(groups.keySet());
    }

    /** The group's current epoch on this device, empty when not a member. */
    public OptionalLong epoch(String groupId) {
        GroupState state = groups.get(groupId);
        if (state == null) {
            return OptionalLong.empty();
        }
        state.lock.lock();
        try {
            return OptionalLong.of(state.current.getEpoch());
        } finally {
            state.lock.unlock();
        }
    }

    /** Device addresses of the group's leaves, in leaf order (pending removals included). */
    public List<String> members(String groupId) {
        return withGroup(groupId, state -> {
            List<String> members = new ArrayList<>();
            TreeKEMPublicKey tree = state.current.getTree();
            for (int leaf = 0; leaf < tree.getSize().leafCount(); leaf++) {
                String address = MlsIdentity.identityOf(leafNode(tree, leaf));
                if (address != null) {
                    members.add(address);
                }
            }
            return members;
        });
    }

    /** This device's leaf index in the group. */
    public int leafIndex(String groupId) {
        return withGroup(groupId, state -> state.current.getIndex().value());
    }

    /** Leaves that left and wait for a member to commit their removal. */
    public Set<Integer> pendingRemovals(String groupId) {
        return withGroup(groupId, GroupState::pendingRemovals);
    }

    /** Waits until this device is in the group (joined from a Welcome, or created it); false on timeout. */
    public boolean awaitGroup(String groupId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (joinMonitor) {
            while (!groups.containsKey(groupId)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(joinMonitor, left);
            }
            return true;
        }
    }

    /** Waits until the group reached {@code epoch} on this device; false on timeout or when it left the group. */
    public boolean awaitEpoch(String groupId, long epoch, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!awaitGroup(groupId, timeout)) {
            return false;
        }
        GroupState state = groups.get(groupId);
        if (state == null) {
            return false;
        }
        state.lock.lock();
        try {
            while (!state.gone && state.current.getEpoch() < epoch) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                state.changed.awaitNanos(left);
            }
            return !state.gone;
        } finally {
            state.lock.unlock();
        }
    }

    @Override
    public void close() {
        synchronized (executorLock) {
            if (background != null) {
                background.shutdownNow();
            }
        }
    }

    // ---- internals ----

    private long commitPendingRemovals(GroupState state) {
        return commitWithRetries(
                state,
                () -> {
                    Set<Integer> pending = state.pendingRemovals();
                    if (pending.isEmpty()) {
                        return state.current.getEpoch();
                    }
                    Built built = build(state, removes(pending), true);
                    long epoch =
                            resending(() -> service.commit(state.groupId, built.epoch, built.commit, built.groupInfo));
                    state.install(built.next, built.removed);
                    return epoch;
                },
                null);
    }

    private KeyPackageClaim claim(List<String> users) {
        KeyPackageClaim claim = service.claimKeyPackages(users, true);
        if (!claim.missing().isEmpty()) {
            throw new MlsException("no KeyPackage in the directory for "
                    + claim.missing().stream().map(DeviceRef::address).toList());
        }
        return claim;
    }

    /** The claimed KeyPackages of devices not in the group yet, checked against the device they were claimed for. */
    private List<KeyPackage> joiners(GroupState state, KeyPackageClaim claim) throws Exception {
        return Bcmls.call(() -> checkedJoiners(state, claim));
    }

    private List<KeyPackage> checkedJoiners(GroupState state, KeyPackageClaim claim) throws Exception {
        Set<String> present = new HashSet<>();
        TreeKEMPublicKey tree = state.current.getTree();
        for (int leaf = 0; leaf < tree.getSize().leafCount(); leaf++) {
            String address = MlsIdentity.identityOf(leafNode(tree, leaf));
            if (address != null) {
                present.add(address);
            }
        }
        List<KeyPackage> joiners = new ArrayList<>();
        for (KeyPackageClaim.Claimed claimed : claim.keyPackages()) {
            if (present.contains(claimed.address())) {
                continue;
            }
            MLSMessage message = (MLSMessage) MLSInputStream.decode(claimed.keyPackage(), MLSMessage.class);
            KeyPackage keyPackage = message.keyPackage;
            if (message.wireFormat != WireFormat.mls_key_package || keyPackage == null) {
                throw new MlsException("the directory's KeyPackage of " + claimed.address() + " is not one");
            }
            if (keyPackage.getSuite().getSuiteID() != MlsIdentity.CIPHER_SUITE || !keyPackage.verify()) {
                throw new MlsException("the KeyPackage of " + claimed.address() + " has a bad suite or signature");
            }
            if (!claimed.address().equals(MlsIdentity.identityOf(keyPackage.getLeafNode()))) {
                throw new MlsException("the KeyPackage claimed for " + claimed.address() + " names another device");
            }
            joiners.add(keyPackage);
            present.add(claimed.address());
        }
        return joiners;
    }

    private static List<Proposal> removes(Collection<Integer> leaves) {
        List<Proposal> removes = new ArrayList<>();
        new TreeSet<>(leaves).forEach(leaf -> removes.add(Proposal.remove(new LeafIndex(leaf))));
        return removes;
    }

    private static Set<Integer> leavesOf(TreeKEMPublicKey tree, String userId) {
        String prefix = userId + ".";
        Set<Integer> leaves = new TreeSet<>();
        for (int leaf = 0; leaf < tree.getSize().leafCount(); leaf++) {
            String address = MlsIdentity.identityOf(leafNode(tree, leaf));
            if (address != null && address.startsWith(prefix)) {
                leaves.add(leaf);
            }
        }
        return leaves;
    }

    private static @Nullable LeafNode leafNode(TreeKEMPublicKey tree, int leaf) {
        if (leaf < 0 || leaf >= tree.getSize().leafCount()) {
            return null;
        }
        try {
            return tree.getLeafNode(new LeafIndex(leaf));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static int lowestRemainingLeaf(GroupState state) {
        TreeKEMPublicKey tree = state.current.getTree();
        for (int leaf = 0; leaf < tree.getSize().leafCount(); leaf++) {
            if (!state.pending.contains(leaf) && leafNode(tree, leaf) != null) {
                return leaf;
            }
        }
        return -1;
    }

    /** A Commit of the given proposals on the group's current epoch: PublicMessage, inline tree, own Welcome. */
    private Built build(GroupState state, List<Proposal> proposals, boolean forcePath) throws Exception {
        return Bcmls.call(() -> buildCommit(state, proposals, forcePath));
    }

    private Built buildCommit(GroupState state, List<Proposal> proposals, boolean forcePath) throws Exception {
        if (remainingLeaves(state.current.getTree(), proposals) < 2) {
            // bcmls 1.84 fails (IndexOutOfBoundsException in TreeKEMPublicKey.parentHashes) on a path update in a
            // one-leaf tree
            throw new MlsException("bcmls cannot commit when this device would be alone in group " + state.groupId
                    + " (removing the last other member, or an update alone)");
        }
        byte[] leafSecret = new byte[identity.suite().getKDF().getHashLength()];
        random.nextBytes(leafSecret);
        long epoch = state.current.getEpoch();
        Group.GroupWithMessage result = state.current.commit(
                new Secret(leafSecret),
                new Group.CommitOptions(proposals, true, forcePath, null),
                new Group.MessageOptions(false, new byte[0], 0),
                new Group.CommitParameters(Group.NORMAL_COMMIT_PARAMS));
        byte[] commit = MLSOutputStream.encode(result.message);
        byte[] welcome = null;
        boolean adds = proposals.stream().anyMatch(p -> p.getProposalType() == ProposalType.ADD);
        if (adds) {
            MLSMessage welcomeMessage = new MLSMessage(WireFormat.mls_welcome);
            welcomeMessage.welcome = result.message.welcome;
            welcome = MLSOutputStream.encode(welcomeMessage);
        }
        byte[] groupInfo = MLSOutputStream.encode(result.group.getGroupInfo(false));
        Set<Integer> removed = new TreeSet<>();
        for (Proposal proposal : proposals) {
            if (proposal.getProposalType() == ProposalType.REMOVE) {
                removed.add(proposal.getRemove().removed.value());
            }
        }
        return new Built(epoch, result.group, commit, welcome, groupInfo, removed);
    }

    private static int remainingLeaves(TreeKEMPublicKey tree, List<Proposal> proposals) {
        Set<Integer> removed = new HashSet<>();
        int adds = 0;
        for (Proposal proposal : proposals) {
            if (proposal.getProposalType() == ProposalType.REMOVE) {
                removed.add(proposal.getRemove().removed.value());
            } else if (proposal.getProposalType() == ProposalType.ADD) {
                adds++;
            }
        }
        int remaining = adds;
        for (int leaf = 0; leaf < tree.getSize().leafCount(); leaf++) {
            if (leafNode(tree, leaf) != null && !removed.contains(leaf)) {
                remaining++;
            }
        }
        return remaining;
    }

    private record Built(
            long epoch, Group next, byte[] commit, byte @Nullable [] welcome, byte[] groupInfo, Set<Integer> removed) {}

    @FunctionalInterface
    private interface Attempt<T> {
        T run() throws Exception;
    }

    @FunctionalInterface
    private interface GroupWork<T> {
        T run(GroupState state) throws Exception;
    }

    /**
     * Runs {@code attempt} (with the group's lock held) until the server takes it: on 409 {@code stale-epoch} waits
     * for the group to reach the server's epoch and runs it again; on 409 {@code device-mismatch} runs
     * {@code onMismatch} (when given) and again; at most {@link #MAX_COMMIT_ATTEMPTS} in all.
     */
    private <T> T commitWithRetries(
            GroupState state, Attempt<T> attempt, @Nullable Consumer<ProblemException> onMismatch) {
        for (int i = 1; ; i++) {
            if (state.gone) {
                throw new MlsException("this device is no longer in group " + state.groupId);
            }
            long builtOn = state.current.getEpoch();
            try {
                return attempt.run();
            } catch (ProblemException problem) {
                if (i >= MAX_COMMIT_ATTEMPTS) {
                    throw problem;
                }
                if (problem.isStaleEpoch()) {
                    long target = Math.max(builtOn + 1, problem.epoch().orElse(builtOn + 1));
                    state.awaitEpoch(target, EPOCH_WAIT);
                } else if ("device-mismatch".equals(problem.name()) && onMismatch != null) {
                    onMismatch.accept(problem);
                } else {
                    throw problem;
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new MlsException("MLS operation on group " + state.groupId + " failed: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Posts, and when the answer is lost (transport failure) or the gateway gave up waiting for group-fanout (503
     * {@code group-service-unavailable}: the command may still be applied), posts the same bytes again: the server
     * answers the Commit that won as accepted again, and a message with the same idempotency key is not duplicated.
     * Without this, a Commit applied by the server but not installed here would leave this device an epoch behind
     * for good (the committer never receives its own Commit).
     */
    private static <T> T resending(Supplier<T> post) {
        for (int attempt = 1; ; attempt++) {
            try {
                return post.get();
            } catch (ProblemException problem) {
                if (problem.status() != 503 || attempt >= MAX_RESENDS) {
                    throw problem;
                }
            } catch (UncheckedIOException e) {
                if (attempt >= MAX_RESENDS || e.getCause() instanceof InterruptedIOException) {
                    throw e;
                }
            }
        }
    }

    private <T> T withGroup(String groupId, GroupWork<T> work) {
        GroupState state = groups.get(groupId);
        if (state == null) {
            throw new MlsException("this device is not in group " + groupId);
        }
        state.lock.lock();
        try {
            if (state.gone) {
                throw new MlsException("this device is no longer in group " + groupId);
            }
            return work.run(state);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new MlsException("MLS operation on group " + groupId + " failed: " + e.getMessage(), e);
        } finally {
            state.lock.unlock();
        }
    }

    /** Drops the group (lock held): callers waiting on it give up. */
    private void depart(GroupState state) {
        groups.remove(state.groupId, state);
        departed.add(state.groupId);
        state.drop();
    }

    private void join(Envelope envelope) throws Exception {
        MLSMessage message = Bcmls.call(() -> (MLSMessage) MLSInputStream.decode(envelope.content(), MLSMessage.class));
        if (message.wireFormat != WireFormat.mls_welcome || message.welcome == null) {
            throw new MlsException("a type 12 envelope without a Welcome");
        }
        MlsKeyPackages.Secrets secrets = keyPackages.find(message.welcome);
        if (secrets == null) {
            throw new MlsException("no KeyPackage of this device for the Welcome into " + envelope.groupId());
        }
        Group group = Bcmls.call(() -> new Group(
                identity.suite()
                        .getHPKE()
                        .serializePrivateKey(secrets.initKeys().getPrivate()),
                secrets.encryptionKeys(),
                identity.signaturePrivateKey(),
                secrets.keyPackage(),
                message.welcome,
                null,
                new HashMap<>(),
                new HashMap<>()));
        String groupId = GroupIds.encode(group.getGroupID());
        if (!groupId.equals(envelope.groupId())) {
            throw new MlsException("the Welcome is for group " + groupId + ", not " + envelope.groupId());
        }
        keyPackages.used(secrets);
        GroupState existing = groups.get(groupId);
        if (existing != null && !existing.gone && epochOf(existing) >= group.getEpoch()) {
            return; // a Welcome delivered again (through a last-resort KeyPackage): this device is further already
        }
        GroupState previous = groups.put(groupId, new GroupState(groupId, group));
        if (previous != null) {
            previous.drop();
        }
        departed.remove(groupId);
        synchronized (joinMonitor) {
            joinMonitor.notifyAll();
        }
        listener.onJoined(groupId, group.getEpoch());
        if (published && !secrets.lastResort()) {
            refillInBackground();
        }
    }

    private void applyCommit(Envelope envelope) throws Exception {
        GroupState state = groups.get(envelope.groupId());
        if (state == null) {
            if (departed.contains(envelope.groupId())) {
                return; // the Commit that removes the leaves of a device that left, or a late one
            }
            throw new MlsException("a Commit of group " + envelope.groupId() + ", which this device is not in");
        }
        CommitSummary commit = CommitSummary.read(envelope.content());
        GroupEpochChange change;
        MlsGroupListener.Departure departure = null;
        state.lock.lock();
        try {
            if (state.gone) {
                return;
            }
            long epoch = state.current.getEpoch();
            if (commit.epoch() < epoch) {
                return; // applied already
            }
            if (commit.epoch() > epoch) {
                throw new MlsException("a Commit of epoch " + commit.epoch() + " while group " + state.groupId
                        + " is at " + epoch + ": Commits are missing");
            }
            int self = state.current.getIndex().value();
            TreeKEMPublicKey before = state.current.getTree();
            if (commit.removedLeaves().contains(self)) {
                depart(state);
                departure = MlsGroupListener.Departure.REMOVED;
                change = null;
            } else {
                List<String> removed = new ArrayList<>();
                commit.removedLeaves().forEach(leaf -> {
                    String address = MlsIdentity.identityOf(leafNode(before, leaf));
                    if (address != null) {
                        removed.add(address);
                    }
                });
                String committer = MlsIdentity.identityOf(leafNode(before, commit.committerLeaf()));
                Group current = state.current;
                Group next = Bcmls.call(() -> current.handle(envelope.content(), null));
                if (next == null) {
                    throw new MlsException("the Commit did not advance group " + state.groupId);
                }
                state.install(next, commit.removedLeaves());
                change = new GroupEpochChange(
                        state.groupId, next.getEpoch(), committer, commit.addedAddresses(), removed);
            }
        } finally {
            state.lock.unlock();
        }
        if (departure != null) {
            listener.onRemoved(state.groupId, departure);
        } else {
            listener.onEpoch(Objects.requireNonNull(change, "change")); // set whenever this device stayed
        }
    }

    private void decrypt(Envelope envelope) throws Exception {
        GroupState state = groups.get(envelope.groupId());
        if (state == null) {
            throw new MlsException("a message of group " + envelope.groupId() + ", which this device is not in");
        }
        MLSMessage message = Bcmls.call(() -> (MLSMessage) MLSInputStream.decode(envelope.content(), MLSMessage.class));
        if (message.wireFormat != WireFormat.mls_private_message) {
            throw new MlsException("a type 10 envelope that is not a PrivateMessage");
        }
        long epoch = message.getEpoch();
        byte[][] result;
        state.lock.lock();
        try {
            Group group = state.groupOfEpoch(epoch);
            if (group == null) {
                throw new MlsException("a message of epoch " + epoch + " while group " + state.groupId + " is at "
                        + state.current.getEpoch() + " (only the last " + PREVIOUS_EPOCHS_KEPT
                        + " epochs are kept)");
            }
            result = Bcmls.call(() -> group.unprotect(message));
        } finally {
            state.lock.unlock();
        }
        listener.onMessage(new GroupMessage(state.groupId, epoch, envelope.senderAddress(), result[1], envelope));
    }

    private void refillInBackground() {
        if (!refilling.compareAndSet(false, true)) {
            return;
        }
        inBackground(() -> {
            try {
                refillKeyPackages();
            } finally {
                refilling.set(false);
            }
        });
    }

    private void inBackground(Runnable work) {
        try {
            executor().execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    listener.onError(e);
                }
            });
        } catch (RuntimeException e) {
            listener.onError(e);
        }
    }

    private ExecutorService executor() {
        synchronized (executorLock) {
            if (background == null) {
                background = Executors.newSingleThreadExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "mls-" + identity.address());
                    thread.setDaemon(true);
                    return thread;
                });
            }
            return background;
        }
    }

    private static long epochOf(GroupState state) {
        state.lock.lock();
        try {
            return state.current.getEpoch();
        } finally {
            state.lock.unlock();
        }
    }

    static List<Integer> parseLeaves(@Nullable String text) {
        List<Integer> leaves = new ArrayList<>();
        if (text == null) {
            return leaves;
        }
        for (String part : text.replaceAll("[\\[\\]\"\\s]", "").split(",")) {
            if (!part.isEmpty()) {
                try {
                    leaves.add(Integer.parseInt(part));
                } catch (NumberFormatException e) {
                    // not a leaf index: ignored
                }
            }
        }
        return leaves;
    }

    /** One group on this device: the current epoch's group, the previous epochs' ones, pending removals. */
    /** A message posted under an idempotency key without an answer, and the plaintext it encrypts. */
    private record UnansweredSend(byte[] plaintext, byte[] message) {}

    private static final class GroupState {

        final String groupId;
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        final Deque<Group> previous = new ArrayDeque<>();
        final Set<Integer> pending = new TreeSet<>();
        // sends that ended without an answer, by idempotency key: their bytes are posted again on a retry (lock held)
        final Map<String, UnansweredSend> unanswered = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, UnansweredSend> eldest) {
                return size() > MAX_UNANSWERED_SENDS;
            }
        };
        Group current;
        volatile boolean gone;

        GroupState(String groupId, Group current) {
            this.groupId = groupId;
            this.current = current;
        }

        /**
         * Moves to the next epoch (lock held), keeping the last epochs' groups and dropping the removals the Commit
         * made from the pending ones (by index: an Add of the same Commit may have reused the leaf).
         */
        void install(Group next, Collection<Integer> removed) {
            previous.addFirst(current);
            while (previous.size() > PREVIOUS_EPOCHS_KEPT) {
                previous.removeLast();
            }
            current = next;
            TreeKEMPublicKey tree = next.getTree();
            pending.removeAll(removed);
            pending.removeIf(leaf -> leafNode(tree, leaf) == null);
            changed.signalAll();
        }

        /**
         * The bytes last posted under {@code idempotencyKey} for this same plaintext when that send got no answer,
         * else a fresh encryption, kept until {@link #answered} (lock held).
         */
        byte[] unanswered(String idempotencyKey, byte[] plaintext, Callable<byte[]> encrypt) throws Exception {
            UnansweredSend previousSend = unanswered.get(idempotencyKey);
            if (previousSend != null && Arrays.equals(previousSend.plaintext(), plaintext)) {
                return previousSend.message();
            }
            byte[] message = encrypt.call();
            unanswered.put(idempotencyKey, new UnansweredSend(plaintext.clone(), message));
            return message;
        }

        /** The send under {@code idempotencyKey} got an answer: a retry of it is answered by the server (lock held). */
        void answered(String idempotencyKey) {
            unanswered.remove(idempotencyKey);
        }

        @Nullable
        Group groupOfEpoch(long epoch) {
            if (current.getEpoch() == epoch) {
                return current;
            }
            for (Group group : previous) {
                if (group.getEpoch() == epoch) {
                    return group;
                }
            }
            return null;
        }

        Set<Integer> pendingRemovals() {
            return new TreeSet<>(pending);
        }

        /** Waits (lock held, released while waiting) until the group reached {@code epoch}. */
        void awaitEpoch(long epoch, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                while (!gone && current.getEpoch() < epoch) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new MlsException("group " + groupId + " did not reach epoch " + epoch + " within "
                                + timeout.toSeconds() + " s (at " + current.getEpoch() + ")");
                    }
                    changed.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MlsException("interrupted while waiting for epoch " + epoch + " of group " + groupId);
            }
        }

        /**
         * After a 409 {@code device-mismatch} that is not about added devices: the server knows of pending removals
         * this device has not heard of yet ({@code group-member-left} on its way). Waits (lock released) until the
         * pending removals change or {@code timeout} passed, so the next attempt carries them.
         */
        void awaitPendingRemovals(Duration timeout) {
            Set<Integer> before = new TreeSet<>(pending);
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                while (!gone && pending.equals(before)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    changed.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MlsException("interrupted while waiting for pending removals of group " + groupId);
            }
        }

        /** Marks the group gone (lock held, or a replaced state) and wakes its waiters. */
        void drop() {
            gone = true;
            if (lock.isHeldByCurrentThread()) {
                changed.signalAll();
            } else if (lock.tryLock()) {
                try {
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Routes a socket's frames: groups here, the rest to {@code others}. */
    private final class GroupSocketListener implements DeviceSocketListener {

        private final @Nullable DeviceSocketListener others;

        GroupSocketListener(@Nullable DeviceSocketListener others) {
            this.others = others;
        }

        @Override
        public void onEnvelope(Envelope envelope) {
            if (envelope.isGroup()) {
                handle(envelope);
            } else if (others != null) {
                others.onEnvelope(envelope);
            } else {
                listener.onUndecryptable(envelope, new MlsException("not a group envelope"));
            }
        }

        @Override
        public void onEvent(DeviceEvent event) {
            if (DeviceEvent.GROUP_MEMBER_LEFT.equals(event.type())) {
                handle(event);
            } else if (others != null) {
                others.onEvent(event);
            } else {
                listener.onEvent(event);
            }
        }

        @Override
        public void onQueueEmpty() {
            listener.onQueueEmpty();
            if (others != null) {
                others.onQueueEmpty();
            }
        }

        @Override
        public void onError(Throwable error) {
            listener.onError(error);
            if (others != null) {
                others.onError(error);
            }
        }

        @Override
        public void onClose(CloseStatus status) {
            listener.onClose(status);
            if (others != null) {
                others.onClose(status);
            }
        }

        @Override
        public void onDisconnected(CloseStatus status) {
            listener.onDisconnected(status);
            if (others != null) {
                others.onDisconnected(status);
            }
        }

        @Override
        public void onReconnecting(int attempt, Duration delay) {
            listener.onReconnecting(attempt, delay);
            if (others != null) {
                others.onReconnecting(attempt, delay);
            }
        }

        @Override
        public void onReconnected(int attempt) {
            listener.onReconnected(attempt);
            if (others != null) {
                others.onReconnected(attempt);
            }
        }
    }
}
