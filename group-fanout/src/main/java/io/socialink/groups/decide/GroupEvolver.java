package io.socialink.groups.decide;

import io.socialink.groups.state.GroupState;
import io.socialink.groups.state.LastCommit;
import io.socialink.groups.state.Leaf;
import io.socialink.schemas.avro.CommandRejected;
import io.socialink.schemas.avro.CommitAccepted;
import io.socialink.schemas.avro.GroupCreated;
import io.socialink.schemas.avro.GroupEvent;
import io.socialink.schemas.avro.MemberLeaf;
import io.socialink.schemas.avro.MemberLeft;
import io.socialink.schemas.avro.MessageAccepted;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * {@code evolve(state, event) -> state}: the group's state is the left fold of its {@code group.events}. Pure and
 * deterministic; it trusts the events (they are facts {@link GroupDecider} already checked), so replaying the
 * event store rebuilds the same state. Events that change nothing (messages, rejections) return the same instance.
 */
public final class GroupEvolver {

    private GroupEvolver() {}

    /** Folds the events into the state; {@code state} is null before the group exists. */
    public static @Nullable GroupState evolve(@Nullable GroupState state, List<GroupEvent> events) {
        GroupState current = state;
        for (GroupEvent event : events) {
            current = evolve(current, event);
        }
        return current;
    }

    public static @Nullable GroupState evolve(@Nullable GroupState state, GroupEvent event) {
        Object body = event.getEvent();
        if (body instanceof GroupCreated created) {
            return GroupState.created(
                    event.getGroupId(),
                    created.getCipherSuite(),
                    event.getAt(),
                    new Leaf(event.getActorUserId(), event.getActorDeviceId()));
        }
        if (body instanceof MessageAccepted || body instanceof CommandRejected) {
            return state;
        }
        if (state == null) {
            throw new IllegalStateException("a " + body.getClass().getSimpleName() + " event for group "
                    + event.getGroupId() + " that was never created");
        }
        if (body instanceof CommitAccepted commit) {
            return commit(state, event, commit);
        }
        if (body instanceof MemberLeft left) {
            return left(state, left);
        }
        throw new IllegalArgumentException(
                "unknown group event " + body.getClass().getName());
    }

    private static GroupState commit(GroupState state, GroupEvent event, CommitAccepted commit) {
        List<Leaf> leaves = new ArrayList<>(state.leaves());
        Set<Integer> pending = new TreeSet<>(state.pendingLeaves());
        for (MemberLeaf removed : commit.getRemoved()) {
            leaves.set(removed.getLeafIndex(), null);
            pending.remove(removed.getLeafIndex());
        }
        for (MemberLeaf added : commit.getAdded()) {
            while (leaves.size() <= added.getLeafIndex()) {
                leaves.add(null);
            }
            leaves.set(added.getLeafIndex(), new Leaf(added.getUserId(), added.getDeviceId()));
        }
        Set<String> remainingUsers = new HashSet<>();
        for (Leaf leaf : leaves) {
            if (leaf != null) {
                remainingUsers.add(leaf.userId());
            }
        }
        Set<String> admins = new LinkedHashSet<>(state.admins());
        admins.retainAll(remainingUsers);
        LastCommit last = new LastCommit(
                bytes(commit.getCommitHash()),
                new Leaf(event.getActorUserId(), event.getActorDeviceId()),
                replyAttributes(commit));
        return new GroupState(
                state.groupId(),
                state.cipherSuite(),
                event.getEpoch(),
                state.createdAt(),
                leaves,
                admins,
                pending,
                last);
    }

    /**
     * The user's leaves become pending removals and the user stops being admin at once. When the last admin
     * leaves, the group keeps no admin: members still message, rotate keys and commit pending removals, but nobody
     * adds or removes others. (Promoting someone would need an event the schema does not have yet.)
     */
    private static GroupState left(GroupState state, MemberLeft left) {
        Set<Integer> pending = new TreeSet<>(state.pendingLeaves());
        for (MemberLeaf leaf : left.getLeaves()) {
            pending.add(leaf.getLeafIndex());
        }
        Set<String> admins = new LinkedHashSet<>(state.admins());
        admins.remove(left.getUserId());
        return new GroupState(
                state.groupId(),
                state.cipherSuite(),
                state.epoch(),
                state.createdAt(),
                state.leaves(),
                admins,
                pending,
                state.lastCommit());
    }

    /**
     * The accepted reply's attributes for a Commit, the same for its retry: the commit kind and how many devices it
     * added and removed. Counts only, so the reply (and the state that keeps it for retries) stays small for a
     * 1,500-user add; which device got which leaf is in the CommitAccepted event, and the gateway knows the added
     * devices from its own command.
     */
    public static Map<String, String> replyAttributes(CommitAccepted commit) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("kind", commit.getKind().name());
        attributes.put("addedDevices", Integer.toString(commit.getAdded().size()));
        attributes.put("removedDevices", Integer.toString(commit.getRemoved().size()));
        return attributes;
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }
}
