package io.socialink.groups;

import io.socialink.schemas.avro.AddedDevice;
import io.socialink.schemas.avro.CommitBundle;
import io.socialink.schemas.avro.CommitKind;
import io.socialink.schemas.avro.CreateGroup;
import io.socialink.schemas.avro.GroupCommand;
import io.socialink.schemas.avro.GroupMessage;
import io.socialink.schemas.avro.LeaveGroup;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** GroupCommands as the gateway sends them, for devices written as addresses ({@code "bob.2"}). */
public final class GroupCommands {

    public static final Instant ISSUED_AT = Instant.parse("2030-01-01T00:00:00Z");

    private GroupCommands() {}

    public static GroupCommand create(String groupId, String actor) {
        return command(
                groupId, actor, CreateGroup.newBuilder().setCipherSuite(1).build());
    }

    /** An ADD commit of {@code added} (in proposal order) that also removes {@code removedLeaves}. */
    public static GroupCommand add(
            String groupId, String actor, long epoch, List<String> added, Integer... removedLeaves) {
        CommitBundle bundle =
                bundle(CommitKind.ADD, epoch, "add " + added + " by " + actor + " at " + epoch, removedLeaves);
        bundle.setWelcome(bytes("welcome for " + added));
        bundle.setAdded(added.stream()
                .map(address -> AddedDevice.newBuilder()
                        .setUserId(user(address))
                        .setDeviceId(device(address))
                        .setKeyPackageRef(bytes("kp-ref " + address))
                        .build())
                .toList());
        return command(groupId, actor, bundle);
    }

    public static GroupCommand remove(
            String groupId, String actor, long epoch, String removedUserId, Integer... removedLeaves) {
        CommitBundle bundle = bundle(
                CommitKind.REMOVE,
                epoch,
                "remove " + removedUserId + " by " + actor + " at " + epoch + " " + Arrays.toString(removedLeaves),
                removedLeaves);
        bundle.setRemovedUserId(removedUserId);
        return command(groupId, actor, bundle);
    }

    public static GroupCommand update(String groupId, String actor, long epoch, Integer... removedLeaves) {
        return command(
                groupId,
                actor,
                bundle(
                        CommitKind.UPDATE,
                        epoch,
                        "update by " + actor + " at " + epoch + " " + Arrays.toString(removedLeaves),
                        removedLeaves));
    }

    public static GroupCommand message(String groupId, String actor, long epoch, String messageId) {
        return command(
                groupId,
                actor,
                GroupMessage.newBuilder()
                        .setMessageId(messageId)
                        .setEpoch(epoch)
                        .setContent(bytes("mls private message " + messageId))
                        .setExpiresAt(null)
                        .build());
    }

    public static GroupCommand leave(String groupId, String actor) {
        return command(groupId, actor, LeaveGroup.newBuilder().build());
    }

    /** The same command again, as a gateway retrying after a timeout sends it: a new requestId. */
    public static GroupCommand retried(GroupCommand command) {
        GroupCommand copy = GroupCommand.newBuilder(command).build();
        copy.setRequestId(UUID.randomUUID().toString());
        return copy;
    }

    public static GroupCommand command(String groupId, String actor, Object body) {
        return GroupCommand.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setGroupId(groupId)
                .setActorUserId(user(actor))
                .setActorDeviceId(device(actor))
                .setReplyPartition(0)
                .setIssuedAt(ISSUED_AT)
                .setCommand(body)
                .build();
    }

    public static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String user(String address) {
        return address.substring(0, address.lastIndexOf('.'));
    }

    public static int device(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf('.') + 1));
    }

    private static CommitBundle bundle(CommitKind kind, long epoch, String commit, Integer... removedLeaves) {
        ByteBuffer bytes = bytes(commit);
        return CommitBundle.newBuilder()
                .setKind(kind)
                .setEpoch(epoch)
                .setCommit(bytes)
                .setGroupInfo(bytes("group info after " + commit))
                .setRemovedLeaves(List.of(removedLeaves))
                .setCommitHash(ByteBuffer.wrap(sha256(bytes)))
                .build();
    }

    private static byte[] sha256(ByteBuffer bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes.duplicate().array());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
