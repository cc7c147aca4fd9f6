package io.socialink.groups.state;

import io.socialink.groups.state.avro.GroupStateRecord;
import io.socialink.groups.state.avro.LastCommitRecord;
import io.socialink.groups.state.avro.LeafRecord;
import io.socialink.schemas.serde.AvroSerde;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link GroupState} in the {@code group-state} store and its changelog: the internal Avro record
 * {@code GroupStateRecord} in single-object encoding, so a changed schema stays readable like the public ones.
 */
public final class GroupStateSerde implements Serde<GroupState> {

    private final AvroSerde<GroupStateRecord> avro = new AvroSerde<>(GroupStateRecord.class);

    public byte[] toBytes(GroupState state) {
        return avro.toBytes(toRecord(state));
    }

    public GroupState fromBytes(byte[] bytes) {
        return fromRecord(avro.fromBytes(bytes));
    }

    @Override
    public Serializer<GroupState> serializer() {
        return (topic, state) -> state == null ? null : toBytes(state);
    }

    @Override
    public Deserializer<GroupState> deserializer() {
        return (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
    }

    static GroupStateRecord toRecord(GroupState state) {
        List<LeafRecord> leaves = new ArrayList<>(state.leaves().size());
        for (Leaf leaf : state.leaves()) {
            leaves.add(leaf == null ? null : new LeafRecord(leaf.userId(), leaf.deviceId()));
        }
        LastCommit last = state.lastCommit();
        return GroupStateRecord.newBuilder()
                .setGroupId(state.groupId())
                .setCipherSuite(state.cipherSuite())
                .setEpoch(state.epoch())
                .setCreatedAt(state.createdAt().toEpochMilli())
                .setLeaves(leaves)
                .setAdmins(List.copyOf(state.admins()))
                .setPendingLeaves(List.copyOf(state.pendingLeaves()))
                .setLastCommit(
                        last == null
                                ? null
                                : LastCommitRecord.newBuilder()
                                        .setCommitHash(ByteBuffer.wrap(last.commitHash()))
                                        .setCommitterUserId(last.committer().userId())
                                        .setCommitterDeviceId(last.committer().deviceId())
                                        .setReplyAttributes(last.replyAttributes())
                                        .build())
                .build();
    }

    static GroupState fromRecord(GroupStateRecord record) {
        List<Leaf> leaves = new ArrayList<>(record.getLeaves().size());
        for (LeafRecord leaf : record.getLeaves()) {
            leaves.add(leaf == null ? null : new Leaf(leaf.getUserId(), leaf.getDeviceId()));
        }
        LastCommitRecord last = record.getLastCommit();
        LastCommit lastCommit = null;
        if (last != null) {
            ByteBuffer hash = last.getCommitHash().duplicate();
            byte[] bytes = new byte[hash.remaining()];
            hash.get(bytes);
            lastCommit = new LastCommit(
                    bytes, new Leaf(last.getCommitterUserId(), last.getCommitterDeviceId()), last.getReplyAttributes());
        }
        return new GroupState(
                record.getGroupId(),
                record.getCipherSuite(),
                record.getEpoch(),
                Instant.ofEpochMilli(record.getCreatedAt()),
                leaves,
                new LinkedHashSet<>(record.getAdmins()),
                new LinkedHashSet<>(record.getPendingLeaves()),
                lastCommit);
    }
}
