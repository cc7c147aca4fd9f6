package io.socialink.groups.decide;

import io.socialink.groups.state.GroupState;
import io.socialink.groups.state.LastCommit;
import io.socialink.groups.state.Leaf;
import io.socialink.schemas.avro.AddedDevice;
import io.socialink.schemas.avro.CommandRejected;
import io.socialink.schemas.avro.CommitAccepted;
import io.socialink.schemas.avro.CommitBundle;
import io.socialink.schemas.avro.CreateGroup;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.GroupCommand;
import io.socialink.schemas.avro.GroupCreated;
import io.socialink.schemas.avro.GroupEvent;
import io.socialink.schemas.avro.GroupMessage;
import io.socialink.schemas.avro.GroupMetadata;
import io.socialink.schemas.avro.GroupReply;
import io.socialink.schemas.avro.LeaveGroup;
import io.socialink.schemas.avro.MemberLeaf;
import io.socialink.schemas.avro.MemberLeft;
import io.socialink.schemas.avro.MessageAccepted;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * {@code decide(command, state) -> decision}: the Delivery Service rules of docs/groups.md for one group, pure and
 * deterministic (the clock is an argument). It only reads the state; {@link GroupEvolver} applies the events.
 *
 * <ul>
 *   <li>Exactly one Commit per epoch: a Commit must build on the current epoch (older: 409 stale-epoch with the
 *   current epoch; newer: 422 invalid-epoch). A retry of the Commit that made the current epoch, by the same
 *   device with the same bytes, is answered 200 again and changes nothing.</li>
 *   <li>Adds, removes and key updates must remove exactly the pending leaves (users who left); adds and removes of
 *   others are for admins; leaves are assigned as RFC 9420 12.3 does: Removes blank their leaves first, then each
 *   Add in proposal order takes the leftmost blank leaf or extends the tree to the right.</li>
 *   <li>Application messages are accepted for epochs [current - 2, current] from active member devices.</li>
 *   <li>A refusal is a {@code CommandRejected} event, a 4xx reply and a {@code rejected} metadata record, and
 *   never a delivery.</li>
 * </ul>
 */
public final class GroupDecider {

    public static final int MESSAGE_TYPE = 10;
    public static final int COMMIT_TYPE = 11;
    public static final int WELCOME_TYPE = 12;
    /** The type of server-made events, as the gateway's device events use it. */
    public static final int EVENT_TYPE = 0;

    public static final String MEMBER_LEFT_EVENT = "group-member-left";
    /** How many epochs behind the current one an application message may be. */
    public static final int MESSAGE_EPOCH_WINDOW = 2;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final int maxMemberUsers;

    public GroupDecider(int maxMemberUsers) {
        if (maxMemberUsers < 1) {
            throw new IllegalArgumentException("maxMemberUsers must be positive");
        }
        this.maxMemberUsers = maxMemberUsers;
    }

    /**
     * @param state the group's state, null when the group does not exist
     * @param now   the time of the decision, stamped on events and metadata
     */
    public Decision decide(GroupCommand command, @Nullable GroupState state, Instant now) {
        Object body = command.getCommand();
        if (body instanceof CreateGroup create) {
            return create(command, create, state, now);
        }
        if (body instanceof CommitBundle bundle) {
            return commit(command, bundle, state, now);
        }
        if (body instanceof GroupMessage message) {
            return message(command, message, state, now);
        }
        if (body instanceof LeaveGroup) {
            return leave(command, state, now);
        }
        return reject(command, state, Problem.INVALID_MLS_MESSAGE, "unknown group command", now);
    }

    /** Refuses the command: a CommandRejected event, the problem reply and a rejected metadata record. */
    public Decision reject(
            GroupCommand command, @Nullable GroupState state, Problem problem, String detail, Instant now) {
        long epoch = state == null ? -1 : state.epoch();
        GroupEvent event =
                event(command, epoch, now, new CommandRejected(commandName(command), problem.type(), detail));
        GroupReply reply = reply(command, problem.status(), epoch, Map.of());
        reply.setProblemType(problem.type());
        reply.setDetail(detail);
        GroupMetadata metadata = metadata(command, "rejected", epoch, state, now);
        metadata.setSize(payloadSize(command));
        metadata.setReason(problem.type());
        return new Decision(List.of(event), reply, List.of(), metadata);
    }

    private Decision create(GroupCommand command, CreateGroup create, @Nullable GroupState state, Instant now) {
        if (state != null) {
            return reject(command, state, Problem.GROUP_EXISTS, "group " + command.getGroupId() + " exists", now);
        }
        GroupEvent event = event(command, 0, now, new GroupCreated(create.getCipherSuite()));
        GroupState after = GroupEvolver.evolve(null, event);
        GroupMetadata metadata = metadata(command, "created", 0, after, now);
        metadata.setChangedDevices(1);
        return new Decision(List.of(event), reply(command, 201, 0, Map.of("leafIndex", "0")), List.of(), metadata);
    }

    private Decision commit(GroupCommand command, CommitBundle bundle, @Nullable GroupState state, Instant now) {
        if (state == null) {
            return reject(command, null, Problem.UNKNOWN_GROUP, "no group " + command.getGroupId(), now);
        }
        Leaf actor = actor(command);
        byte[] hash = GroupEvolver.bytes(bundle.getCommitHash());
        LastCommit last = state.lastCommit();
        // checked before membership and epoch: the winner's retry must get the winner's answer, not stale-epoch
        if (last != null && bundle.getEpoch() == state.epoch() - 1 && last.isRetry(hash, actor)) {
            return new Decision(List.of(), reply(command, 200, state.epoch(), last.replyAttributes()), List.of(), null);
        }
        if (!state.isActive(actor)) {
            return reject(command, state, Problem.NOT_A_MEMBER, actor + " is not a member of the group", now);
        }
        if (bundle.getEpoch() < state.epoch()) {
            return reject(
                    command,
                    state,
                    Problem.STALE_EPOCH,
                    "the commit builds on epoch " + bundle.getEpoch() + "; the group is at epoch " + state.epoch(),
                    now);
        }
        if (bundle.getEpoch() > state.epoch()) {
            return reject(
                    command,
                    state,
                    Problem.INVALID_EPOCH,
                    "the commit builds on epoch " + bundle.getEpoch() + "; the group is only at epoch " + state.epoch(),
                    now);
        }
        Set<Integer> removed = new TreeSet<>(bundle.getRemovedLeaves());
        if (removed.size() != bundle.getRemovedLeaves().size()) {
            return reject(command, state, Problem.DEVICE_MISMATCH, "a leaf is removed twice", now);
        }
        Refusal refusal =
                switch (bundle.getKind()) {
                    case ADD -> checkAdd(state, actor, bundle, removed);
                    case REMOVE -> checkRemove(state, actor, bundle, removed);
                    case UPDATE -> checkUpdate(state, bundle, removed);
                    default -> new Refusal(Problem.INVALID_MLS_MESSAGE, "unknown commit kind " + bundle.getKind());
                };
        if (refusal != null) {
            return reject(command, state, refusal.problem(), refusal.detail(), now);
        }
        return acceptCommit(command, bundle, state, actor, removed, now);
    }

    private @Nullable Refusal checkAdd(GroupState state, Leaf actor, CommitBundle bundle, Set<Integer> removed) {
        if (!state.isAdmin(actor.userId())) {
            return new Refusal(Problem.NOT_ADMIN, "only admins add members");
        }
        if (bundle.getAdded().isEmpty() || bundle.getWelcome() == null) {
            return new Refusal(Problem.INVALID_MLS_MESSAGE, "an add commit needs Add proposals and a Welcome");
        }
        Refusal pending = requirePendingOnly(state, removed);
        if (pending != null) {
            return pending;
        }
        Set<Leaf> added = new HashSet<>();
        Set<String> usersAfter = new HashSet<>();
        for (int index = 0; index < state.leaves().size(); index++) {
            Leaf leaf = state.leaves().get(index);
            if (leaf != null && !removed.contains(index)) {
                usersAfter.add(leaf.userId());
            }
        }
        for (AddedDevice device : bundle.getAdded()) {
            Leaf leaf = new Leaf(device.getUserId(), device.getDeviceId());
            if (!added.add(leaf)) {
                return new Refusal(Problem.DEVICE_MISMATCH, leaf + " is added twice");
            }
            int index = state.leafOf(leaf);
            if (index >= 0 && !removed.contains(index)) {
                return new Refusal(Problem.ALREADY_MEMBER, leaf + " is already a member of the group");
            }
            usersAfter.add(leaf.userId());
        }
        if (usersAfter.size() > maxMemberUsers) {
            return new Refusal(
                    Problem.GROUP_FULL,
                    "a group has at most " + maxMemberUsers + " member users; this commit would make "
                            + usersAfter.size());
        }
        return null;
    }

    private @Nullable Refusal checkRemove(GroupState state, Leaf actor, CommitBundle bundle, Set<Integer> removed) {
        if (!bundle.getAdded().isEmpty()) {
            return new Refusal(Problem.INVALID_MLS_MESSAGE, "a remove commit cannot add devices");
        }
        String target = bundle.getRemovedUserId();
        Set<Integer> required = new TreeSet<>(state.pendingLeaves());
        if (target == null) {
            if (required.isEmpty()) {
                return new Refusal(Problem.INVALID_MLS_MESSAGE, "a remove commit must name the removed user");
            }
        } else {
            List<Integer> targetLeaves = state.leavesOf(target);
            if (!targetLeaves.isEmpty()
                    && !state.pendingLeaves().containsAll(targetLeaves)
                    && !state.isAdmin(actor.userId())) {
                return new Refusal(Problem.NOT_ADMIN, "only admins remove members");
            }
            if (targetLeaves.isEmpty()) {
                return new Refusal(Problem.DEVICE_MISMATCH, target + " is not a member of the group");
            }
            required.addAll(targetLeaves);
        }
        int own = state.leafOf(actor);
        if (required.contains(own) || removed.contains(own)) {
            return new Refusal(
                    Problem.INVALID_MLS_MESSAGE,
                    "a committer cannot remove its own leaf (RFC 9420 12.2); leave the group instead");
        }
        if (!removed.equals(required)) {
            return new Refusal(
                    Problem.DEVICE_MISMATCH,
                    "the commit must remove exactly the leaves " + required
                            + (target == null
                                    ? " (pending removals)"
                                    : " (all of " + target + "'s plus pending removals)")
                            + "; it removes " + removed);
        }
        return null;
    }

    private @Nullable Refusal checkUpdate(GroupState state, CommitBundle bundle, Set<Integer> removed) {
        if (!bundle.getAdded().isEmpty()) {
            return new Refusal(Problem.INVALID_MLS_MESSAGE, "an update commit cannot add devices");
        }
        return requirePendingOnly(state, removed);
    }

    private static @Nullable Refusal requirePendingOnly(GroupState state, Set<Integer> removed) {
        if (!removed.equals(state.pendingLeaves())) {
            return new Refusal(
                    Problem.DEVICE_MISMATCH,
                    "the commit must remove exactly the pending leaves " + state.pendingLeaves() + "; it removes "
                            + removed);
        }
        return null;
    }

    private Decision acceptCommit(
            GroupCommand command,
            CommitBundle bundle,
            GroupState state,
            Leaf actor,
            Set<Integer> removed,
            Instant now) {
        // RFC 9420 12.3: Removes first (blank leaves), then each Add takes the leftmost blank leaf or extends
        List<Leaf> tree = new ArrayList<>(state.leaves());
        List<MemberLeaf> removedLeaves = new ArrayList<>();
        for (int index : removed) {
            Leaf leaf = tree.get(index);
            removedLeaves.add(new MemberLeaf(leaf.userId(), leaf.deviceId(), index));
            tree.set(index, null);
        }
        List<MemberLeaf> addedLeaves = new ArrayList<>();
        int cursor = 0;
        for (AddedDevice device : bundle.getAdded()) {
            while (cursor < tree.size() && tree.get(cursor) != null) {
                cursor++;
            }
            Leaf leaf = new Leaf(device.getUserId(), device.getDeviceId());
            if (cursor == tree.size()) {
                tree.add(leaf);
            } else {
                tree.set(cursor, leaf);
            }
            addedLeaves.add(new MemberLeaf(leaf.userId(), leaf.deviceId(), cursor));
        }
        int bundleBytes = bundle.getCommit().remaining() + size(bundle.getWelcome()) + size(bundle.getGroupInfo());
        long epoch = state.epoch() + 1;
        CommitAccepted accepted =
                new CommitAccepted(bundle.getKind(), bundle.getCommitHash(), addedLeaves, removedLeaves, bundleBytes);
        GroupEvent event = event(command, epoch, now, accepted);
        GroupState after = GroupEvolver.evolve(state, event);

        List<Delivery> deliveries = new ArrayList<>();
        // every device that was a member before the commit learns of it, removed ones included (they see they
        // are out); devices pending removal stopped receiving when their user left
        String commitId = FanOut.messageId(command.getGroupId(), epoch, "commit");
        for (Leaf recipient : state.activeDevices()) {
            if (!recipient.equals(actor)) {
                deliveries.add(FanOut.copy(
                        command, recipient, commitId, COMMIT_TYPE, bundle.getCommit(), bundle.getCommitRef(), null));
            }
        }
        if (bundle.getWelcome() != null) {
            String welcomeId = FanOut.messageId(command.getGroupId(), epoch, "welcome");
            for (MemberLeaf added : addedLeaves) {
                deliveries.add(FanOut.copy(
                        command,
                        new Leaf(added.getUserId(), added.getDeviceId()),
                        welcomeId,
                        WELCOME_TYPE,
                        bundle.getWelcome(),
                        bundle.getWelcomeRef(),
                        null));
            }
        }
        String kind =
                switch (bundle.getKind()) {
                    case ADD -> "members-added";
                    case REMOVE -> "members-removed";
                    default -> "epoch-updated";
                };
        GroupMetadata metadata = metadata(command, kind, epoch, after, now);
        metadata.setChangedDevices(addedLeaves.size() + removedLeaves.size());
        metadata.setSize(bundleBytes);
        metadata.setRecipientDevices(deliveries.size());
        GroupReply reply = reply(command, 200, epoch, GroupEvolver.replyAttributes(accepted));
        return new Decision(List.of(event), reply, deliveries, metadata);
    }

    private Decision message(GroupCommand command, GroupMessage message, @Nullable GroupState state, Instant now) {
        if (state == null) {
            return reject(command, null, Problem.UNKNOWN_GROUP, "no group " + command.getGroupId(), now);
        }
        Leaf sender = actor(command);
        if (!state.isActive(sender)) {
            return reject(command, state, Problem.NOT_A_MEMBER, sender + " is not a member of the group", now);
        }
        if (message.getEpoch() < state.epoch() - MESSAGE_EPOCH_WINDOW) {
            return reject(
                    command,
                    state,
                    Problem.STALE_EPOCH,
                    "the message is of epoch " + message.getEpoch()
                            + "; the group is at epoch " + state.epoch() + " and takes messages of the last "
                            + (MESSAGE_EPOCH_WINDOW + 1) + " epochs",
                    now);
        }
        if (message.getEpoch() > state.epoch()) {
            return reject(
                    command,
                    state,
                    Problem.INVALID_EPOCH,
                    "the message is of epoch " + message.getEpoch() + "; the group is only at epoch " + state.epoch(),
                    now);
        }
        List<Delivery> deliveries = new ArrayList<>(state.memberDevices());
        for (Leaf recipient : state.activeDevices()) {
            if (!recipient.equals(sender)) {
                deliveries.add(FanOut.copy(
                        command,
                        recipient,
                        message.getMessageId(),
                        MESSAGE_TYPE,
                        message.getContent(),
                        null,
                        message.getExpiresAt()));
            }
        }
        int size = message.getContent().remaining();
        GroupEvent event = event(
                command,
                state.epoch(),
                now,
                new MessageAccepted(message.getMessageId(), message.getEpoch(), size, deliveries.size()));
        GroupMetadata metadata = metadata(command, "message", state.epoch(), state, now);
        metadata.setSize(size);
        metadata.setRecipientDevices(deliveries.size());
        GroupReply reply = reply(
                command,
                201,
                state.epoch(),
                Map.of("messageId", message.getMessageId(), "recipientDevices", Integer.toString(deliveries.size())));
        return new Decision(List.of(event), reply, deliveries, metadata);
    }

    private Decision leave(GroupCommand command, @Nullable GroupState state, Instant now) {
        if (state == null) {
            return reject(command, null, Problem.UNKNOWN_GROUP, "no group " + command.getGroupId(), now);
        }
        String userId = command.getActorUserId();
        List<Integer> leaves = state.leavesOf(userId);
        if (leaves.isEmpty()) {
            return reject(command, state, Problem.NOT_A_MEMBER, userId + " is not a member of the group", now);
        }
        String leafList = leaves.stream().map(String::valueOf).collect(Collectors.joining(","));
        if (state.pendingLeaves().containsAll(leaves)) {
            // a retried leave: the user is already on its way out
            return new Decision(
                    List.of(), reply(command, 200, state.epoch(), Map.of("leaves", leafList)), List.of(), null);
        }
        List<MemberLeaf> memberLeaves = new ArrayList<>(leaves.size());
        for (int index : leaves) {
            // the leaves were looked up from this user's devices in this state
            Leaf leaf = Objects.requireNonNull(state.leafAt(index));
            memberLeaves.add(new MemberLeaf(leaf.userId(), leaf.deviceId(), index));
        }
        GroupEvent event = event(command, state.epoch(), now, new MemberLeft(userId, memberLeaves));
        // a MemberLeft event evolves an existing state into another one
        GroupState after = Objects.requireNonNull(GroupEvolver.evolve(state, event));
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("groupId", command.getGroupId());
        attributes.put("userId", userId);
        attributes.put("leaves", leafList);
        String eventId = FanOut.messageId(command.getGroupId(), state.epoch(), "left:" + userId);
        List<Delivery> deliveries = new ArrayList<>(after.memberDevices());
        for (Leaf recipient : after.activeDevices()) {
            deliveries.add(FanOut.event(command, recipient, eventId, MEMBER_LEFT_EVENT, attributes));
        }
        // the leaving user's other devices are out too and must hear of it: no Commit will reach them
        for (int index : leaves) {
            Leaf leaf = Objects.requireNonNull(state.leafAt(index));
            if (leaf.deviceId() != command.getActorDeviceId()) {
                deliveries.add(FanOut.event(command, leaf, eventId, MEMBER_LEFT_EVENT, attributes));
            }
        }
        GroupMetadata metadata = metadata(command, "member-left", state.epoch(), after, now);
        metadata.setChangedDevices(leaves.size());
        metadata.setRecipientDevices(deliveries.size());
        return new Decision(
                List.of(event), reply(command, 200, state.epoch(), Map.of("leaves", leafList)), deliveries, metadata);
    }

    private static Leaf actor(GroupCommand command) {
        return new Leaf(command.getActorUserId(), command.getActorDeviceId());
    }

    private static GroupEvent event(GroupCommand command, long epoch, Instant now, Object body) {
        return GroupEvent.newBuilder()
                .setGroupId(command.getGroupId())
                .setRequestId(command.getRequestId())
                .setActorUserId(command.getActorUserId())
                .setActorDeviceId(command.getActorDeviceId())
                .setEpoch(epoch)
                .setAt(now)
                .setEvent(body)
                .build();
    }

    private static GroupReply reply(GroupCommand command, int status, long epoch, Map<String, String> attributes) {
        return GroupReply.newBuilder()
                .setRequestId(command.getRequestId())
                .setGroupId(command.getGroupId())
                .setStatus(status)
                .setEpoch(epoch)
                .setAttributes(new LinkedHashMap<>(attributes))
                .build();
    }

    private static GroupMetadata metadata(
            GroupCommand command, String kind, long epoch, @Nullable GroupState state, Instant now) {
        return GroupMetadata.newBuilder()
                .setGroupId(command.getGroupId())
                .setKind(kind)
                .setAt(now)
                .setActorUserId(command.getActorUserId())
                .setActorDeviceId(command.getActorDeviceId())
                .setEpoch(epoch)
                .setMemberUsers(state == null ? 0 : state.memberUsers())
                .setMemberDevices(state == null ? 0 : state.memberDevices())
                .build();
    }

    private static String commandName(GroupCommand command) {
        Object body = command.getCommand();
        if (body instanceof CreateGroup) {
            return "create";
        }
        if (body instanceof CommitBundle) {
            return "commit";
        }
        if (body instanceof GroupMessage) {
            return "message";
        }
        if (body instanceof LeaveGroup) {
            return "leave";
        }
        return "unknown";
    }

    private static int payloadSize(GroupCommand command) {
        Object body = command.getCommand();
        if (body instanceof CommitBundle bundle) {
            return bundle.getCommit().remaining() + size(bundle.getWelcome()) + size(bundle.getGroupInfo());
        }
        if (body instanceof GroupMessage message) {
            return message.getContent().remaining();
        }
        return 0;
    }

    private static int size(ByteBuffer buffer) {
        return buffer == null ? 0 : buffer.remaining();
    }

    private record Refusal(Problem problem, String detail) {}

    static ByteBuffer empty() {
        return EMPTY.duplicate();
    }
}
