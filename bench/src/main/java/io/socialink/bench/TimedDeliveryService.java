package io.socialink.bench;

import io.socialink.client.api.GroupMembersAdded;
import io.socialink.client.api.GroupSendResult;
import io.socialink.client.api.KeyPackageClaim;
import io.socialink.client.api.KeyPackageCount;
import io.socialink.client.mls.MlsDeliveryService;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The creator's {@link MlsDeliveryService}, timing the calls {@code MlsGroups} makes: the KeyPackage claim, the
 * Add commit's POST (so the time between the claim's answer and the POST is the client's commit build) with the
 * bundle's sizes, and the first POST of each group message by idempotency key (a resend of the same bytes keeps the
 * first start). Times are {@link System#nanoTime()}.
 */
final class TimedDeliveryService implements MlsDeliveryService {

    private final MlsDeliveryService delegate;
    private final Map<String, Long> sendStarts = new ConcurrentHashMap<>();
    private final Map<String, Long> sendEnds = new ConcurrentHashMap<>();
    volatile long claimStart;
    volatile long claimEnd;
    volatile long addStart;
    volatile long addEnd;
    volatile int addPosts;
    volatile int welcomeBytes;
    volatile int commitBytes;
    volatile int groupInfoBytes;
    /** While set, {@link #send} keeps the message bytes instead of posting them (for posting in parallel). */
    private volatile @Nullable Map<String, byte[]> capture;

    TimedDeliveryService(MlsDeliveryService delegate) {
        this.delegate = delegate;
    }

    @Override
    public void uploadKeyPackages(List<byte[]> keyPackages, byte @Nullable [] lastResort) {
        delegate.uploadKeyPackages(keyPackages, lastResort);
    }

    @Override
    public KeyPackageCount keyPackageCount() {
        return delegate.keyPackageCount();
    }

    @Override
    public KeyPackageClaim claimKeyPackages(Collection<String> users, boolean skipOwnDevices) {
        claimStart = System.nanoTime();
        KeyPackageClaim claim = delegate.claimKeyPackages(users, skipOwnDevices);
        claimEnd = System.nanoTime();
        return claim;
    }

    @Override
    public long createGroup(String groupId, int cipherSuite) {
        return delegate.createGroup(groupId, cipherSuite);
    }

    @Override
    public GroupMembersAdded addMembers(String groupId, long epoch, byte[] commit, byte[] welcome, byte[] groupInfo) {
        if (addPosts++ == 0) {
            addStart = System.nanoTime();
        }
        welcomeBytes = welcome.length;
        commitBytes = commit.length;
        groupInfoBytes = groupInfo.length;
        GroupMembersAdded added = delegate.addMembers(groupId, epoch, commit, welcome, groupInfo);
        addEnd = System.nanoTime();
        return added;
    }

    @Override
    public long removeMember(String groupId, String userId, long epoch, byte[] commit, byte[] groupInfo) {
        return delegate.removeMember(groupId, userId, epoch, commit, groupInfo);
    }

    @Override
    public long leave(String groupId) {
        return delegate.leave(groupId);
    }

    @Override
    public long commit(String groupId, long epoch, byte[] commit, byte[] groupInfo) {
        return delegate.commit(groupId, epoch, commit, groupInfo);
    }

    @Override
    public GroupSendResult send(String groupId, byte[] message, String idempotencyKey) {
        Map<String, byte[]> captured = capture;
        if (captured != null) {
            captured.put(idempotencyKey, message);
            return new GroupSendResult(new java.util.UUID(0, 0), -1, 0);
        }
        sendStarts.putIfAbsent(idempotencyKey, System.nanoTime());
        GroupSendResult result = delegate.send(groupId, message, idempotencyKey);
        sendEnds.put(idempotencyKey, System.nanoTime());
        return result;
    }

    /**
     * Runs {@code protect} (calls of {@code MlsGroups.send}) with posting turned off: answers the protected message
     * bytes by idempotency key, in the order they were made.
     */
    Map<String, byte[]> captureSends(Runnable protect) {
        Map<String, byte[]> captured = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>());
        capture = captured;
        try {
            protect.run();
        } finally {
            capture = null;
        }
        return captured;
    }

    /** Records a POST made around this service (the message bytes came from {@link #captureSends}). */
    void recordSend(String idempotencyKey, long start, long end) {
        sendStarts.putIfAbsent(idempotencyKey, start);
        sendEnds.put(idempotencyKey, end);
    }

    /** When the first POST of this message started. */
    long sendStart(String idempotencyKey) {
        Long start = sendStarts.get(idempotencyKey);
        if (start == null) {
            throw new IllegalStateException("no POST of " + idempotencyKey + " was made");
        }
        return start;
    }

    /** When the accepted POST of this message answered. */
    long sendEnd(String idempotencyKey) {
        return Objects.requireNonNull(sendEnds.get(idempotencyKey), idempotencyKey);
    }
}
