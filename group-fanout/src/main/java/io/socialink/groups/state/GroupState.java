package io.socialink.groups.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The state of one MLS group as its single writer knows it: the fold of the group's events (see
 * {@code GroupEvolver}). Immutable; the indexes a command needs (leaf of a device, leaves of a user, the
 * devices that receive fan-out) are computed once per state, so a state cached across commands answers them
 * without allocation.
 *
 * <p>Members are the devices on leaves. A <em>pending</em> leaf belongs to a user who left: it stays in the tree
 * until the next accepted Commit removes it, but its device neither sends nor receives any more.
 */
public final class GroupState {

    private final String groupId;
    private final int cipherSuite;
    private final long epoch;
    private final Instant createdAt;
    private final List<Leaf> leaves;
    private final Set<String> admins;
    private final SortedSet<Integer> pendingLeaves;
    private final @Nullable LastCommit lastCommit;

    private final Map<Leaf, Integer> leafIndexes;
    private final Map<String, List<Integer>> leavesByUser;
    private final List<Leaf> activeDevices;
    private final int activeUsers;

    /**
     * @param leaves        the tree's leaves by index, {@code null} for a blank leaf; trailing blanks are dropped
     * @param pendingLeaves leaves awaiting removal; each must hold a device
     * @param lastCommit    the Commit that made {@code epoch}, null at epoch 0
     */
    public GroupState(
            String groupId,
            int cipherSuite,
            long epoch,
            Instant createdAt,
            List<Leaf> leaves,
            Set<String> admins,
            Set<Integer> pendingLeaves,
            @Nullable LastCommit lastCommit) {
        this.groupId = Objects.requireNonNull(groupId, "groupId");
        this.cipherSuite = cipherSuite;
        this.epoch = epoch;
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        List<Leaf> trimmed = new ArrayList<>(leaves);
        while (!trimmed.isEmpty() && trimmed.get(trimmed.size() - 1) == null) {
            trimmed.remove(trimmed.size() - 1);
        }
        this.leaves = Collections.unmodifiableList(trimmed);
        this.admins = Collections.unmodifiableSet(new LinkedHashSet<>(admins));
        this.pendingLeaves = Collections.unmodifiableSortedSet(new TreeSet<>(pendingLeaves));
        this.lastCommit = lastCommit;

        Map<Leaf, Integer> indexes = new HashMap<>();
        Map<String, List<Integer>> byUser = new LinkedHashMap<>();
        List<Leaf> active = new ArrayList<>();
        Set<String> activeUserIds = new LinkedHashSet<>();
        for (int index = 0; index < trimmed.size(); index++) {
            Leaf leaf = trimmed.get(index);
            if (leaf == null) {
                continue;
            }
            if (indexes.putIfAbsent(leaf, index) != null) {
                throw new IllegalArgumentException(leaf + " holds two leaves of group " + groupId);
            }
            byUser.computeIfAbsent(leaf.userId(), user -> new ArrayList<>(2)).add(index);
            if (!this.pendingLeaves.contains(index)) {
                active.add(leaf);
                activeUserIds.add(leaf.userId());
            }
        }
        for (int pending : this.pendingLeaves) {
            if (pending < 0 || pending >= trimmed.size() || trimmed.get(pending) == null) {
                throw new IllegalArgumentException("pending leaf " + pending + " is blank in group " + groupId);
            }
        }
        byUser.replaceAll((user, list) -> List.copyOf(list));
        this.leafIndexes = indexes;
        this.leavesByUser = byUser;
        this.activeDevices = List.copyOf(active);
        this.activeUsers = activeUserIds.size();
    }

    /** A new group at epoch 0: the creating device on leaf 0, its user the only admin. */
    public static GroupState created(String groupId, int cipherSuite, Instant createdAt, Leaf creator) {
        return new GroupState(
                groupId, cipherSuite, 0, createdAt, List.of(creator), Set.of(creator.userId()), Set.of(), null);
    }

    public String groupId() {
        return groupId;
    }

    public int cipherSuite() {
        return cipherSuite;
    }

    public long epoch() {
        return epoch;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** The leaves by index, {@code null} for blank ones, without trailing blanks. */
    public List<Leaf> leaves() {
        return leaves;
    }

    public Set<String> admins() {
        return admins;
    }

    public boolean isAdmin(String userId) {
        return admins.contains(userId);
    }

    public SortedSet<Integer> pendingLeaves() {
        return pendingLeaves;
    }

    public @Nullable LastCommit lastCommit() {
        return lastCommit;
    }

    /** The leaf index of the device, or -1 when it is not in the tree (pending leaves count as in the tree). */
    public int leafOf(Leaf device) {
        return leafIndexes.getOrDefault(device, -1);
    }

    /** The device on a leaf, null for a blank leaf or an index beyond the tree. */
    public @Nullable Leaf leafAt(int index) {
        return index >= 0 && index < leaves.size() ? leaves.get(index) : null;
    }

    /** Every leaf of the user's devices, pending ones included, in index order. */
    public List<Integer> leavesOf(String userId) {
        return leavesByUser.getOrDefault(userId, List.of());
    }

    /** A member device that still sends and receives: in the tree and not pending removal. */
    public boolean isActive(Leaf device) {
        int index = leafOf(device);
        return index >= 0 && !pendingLeaves.contains(index);
    }

    /** The devices that receive the group's traffic, in leaf order: members not pending removal. */
    public List<Leaf> activeDevices() {
        return activeDevices;
    }

    /** Users with at least one active device. */
    public int memberUsers() {
        return activeUsers;
    }

    /** Active member devices. */
    public int memberDevices() {
        return activeDevices.size();
    }

    /** Every user with a leaf in the tree, pending ones included. */
    public Set<String> usersInTree() {
        return leavesByUser.keySet();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GroupState that
                && epoch == that.epoch
                && cipherSuite == that.cipherSuite
                && groupId.equals(that.groupId)
                && createdAt.equals(that.createdAt)
                && leaves.equals(that.leaves)
                && admins.equals(that.admins)
                && pendingLeaves.equals(that.pendingLeaves)
                && Objects.equals(lastCommit, that.lastCommit);
    }

    @Override
    public int hashCode() {
        return Objects.hash(groupId, epoch, leaves);
    }

    @Override
    public String toString() {
        return "GroupState[" + groupId + " epoch " + epoch + ", leaves " + leaves + ", admins " + admins + ", pending "
                + pendingLeaves + "]";
    }
}
