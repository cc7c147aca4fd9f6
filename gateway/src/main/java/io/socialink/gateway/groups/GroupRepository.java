package io.socialink.gateway.groups;

import io.socialink.schemas.avro.MemberLeaf;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The group projection tables of {@code V5__groups.sql} (Postgres, R2DBC): written by the {@link GroupProjector}
 * (inside its transaction), read by the group endpoints. A group's epoch only moves forward: a commit event whose
 * epoch is not newer than the stored one was applied already and changes nothing.
 */
@Repository
public class GroupRepository {

    private final DatabaseClient db;

    public GroupRepository(DatabaseClient db) {
        this.db = db;
    }

    /** A group's row. */
    public record GroupRow(String groupId, int cipherSuite, long epoch, Instant createdAt) {}

    /** One member device. */
    public record MemberDevice(String userId, boolean admin, int deviceId, int leafIndex) {}

    /** Creates the group with its creator's device as leaf 0, unless it exists. */
    public Mono<Void> create(String groupId, int cipherSuite, long epoch, Instant at, String userId, int deviceId) {
        return db.sql("""
                        INSERT INTO groups (group_id, cipher_suite, epoch, created_at, creator_user_id, creator_device_id)
                        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (group_id) DO NOTHING""")
                .bind(0, groupId)
                .bind(1, cipherSuite)
                .bind(2, epoch)
                .bind(3, OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC))
                .bind(4, userId)
                .bind(5, deviceId)
                .fetch()
                .rowsUpdated()
                .flatMap(created -> created == 0
                        ? Mono.empty()
                        : db.sql("""
                                INSERT INTO group_members (group_id, user_id, admin) VALUES ($1, $2, true)
                                ON CONFLICT (group_id, user_id) DO UPDATE SET admin = true""")
                                .bind(0, groupId)
                                .bind(1, userId)
                                .then()
                                .then(addDevice(groupId, userId, deviceId, 0)));
    }

    /** Moves the epoch forward; false when the group is unknown or already at {@code epoch} or later. */
    public Mono<Boolean> advance(String groupId, long epoch) {
        return db.sql("UPDATE groups SET epoch = $2 WHERE group_id = $1 AND epoch < $2")
                .bind(0, groupId)
                .bind(1, epoch)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows > 0);
    }

    /** Applies a commit's membership change: removed leaves first (their indices may be reused), then added ones. */
    public Mono<Void> applyCommit(String groupId, List<MemberLeaf> removed, List<MemberLeaf> added) {
        Mono<Void> removals = Flux.fromIterable(removed)
                .concatMap(leaf -> removeDevice(groupId, leaf.getUserId(), leaf.getDeviceId()))
                .then();
        Mono<Void> additions = Flux.fromIterable(added)
                .concatMap(leaf -> db.sql("""
                                INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)
                                ON CONFLICT (group_id, user_id) DO NOTHING""")
                        .bind(0, groupId)
                        .bind(1, leaf.getUserId())
                        .then()
                        .then(addDevice(groupId, leaf.getUserId(), leaf.getDeviceId(), leaf.getLeafIndex())))
                .then();
        return removals.then(additions).then(dropEmptyMembers(groupId));
    }

    /** A user left: its devices are no members any more (their leaves await removal by the next commit). */
    public Mono<Void> removeUser(String groupId, String userId) {
        return db.sql("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2")
                .bind(0, groupId)
                .bind(1, userId)
                .then();
    }

    private Mono<Void> addDevice(String groupId, String userId, int deviceId, int leafIndex) {
        return db.sql("""
                        INSERT INTO group_devices (group_id, user_id, device_id, leaf_index) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (group_id, user_id, device_id) DO UPDATE SET leaf_index = excluded.leaf_index""")
                .bind(0, groupId)
                .bind(1, userId)
                .bind(2, deviceId)
                .bind(3, leafIndex)
                .then();
    }

    private Mono<Void> removeDevice(String groupId, String userId, int deviceId) {
        return db.sql("DELETE FROM group_devices WHERE group_id = $1 AND user_id = $2 AND device_id = $3")
                .bind(0, groupId)
                .bind(1, userId)
                .bind(2, deviceId)
                .then();
    }

    private Mono<Void> dropEmptyMembers(String groupId) {
        return db.sql("""
                        DELETE FROM group_members m WHERE m.group_id = $1 AND NOT EXISTS (
                            SELECT 1 FROM group_devices d WHERE d.group_id = m.group_id AND d.user_id = m.user_id)""").bind(0, groupId).then();
    }

    public Mono<GroupRow> find(String groupId) {
        return db.sql("SELECT group_id, cipher_suite, epoch, created_at FROM groups WHERE group_id = $1")
                .bind(0, groupId)
                .map((row, meta) -> new GroupRow(
                        row.get("group_id", String.class),
                        row.get("cipher_suite", Integer.class),
                        row.get("epoch", Long.class),
                        row.get("created_at", OffsetDateTime.class).toInstant()))
                .one();
    }

    /** Every member device, by user and device id. */
    public Flux<MemberDevice> members(String groupId) {
        return db.sql("""
                        SELECT m.user_id, m.admin, d.device_id, d.leaf_index
                          FROM group_members m JOIN group_devices d
                            ON d.group_id = m.group_id AND d.user_id = m.user_id
                         WHERE m.group_id = $1 ORDER BY m.user_id, d.device_id""")
                .bind(0, groupId)
                .map((row, meta) -> new MemberDevice(
                        row.get("user_id", String.class),
                        Boolean.TRUE.equals(row.get("admin", Boolean.class)),
                        row.get("device_id", Integer.class),
                        row.get("leaf_index", Integer.class)))
                .all();
    }

    /** The member devices of {@code users} in the group, as the projection knows them. */
    public Flux<MemberDevice> memberDevices(String groupId, Collection<String> users) {
        return db.sql("""
                        SELECT m.user_id, m.admin, d.device_id, d.leaf_index
                          FROM group_members m JOIN group_devices d
                            ON d.group_id = m.group_id AND d.user_id = m.user_id
                         WHERE m.group_id = $1 AND m.user_id = ANY($2::text[])""")
                .bind(0, groupId)
                .bind(1, users.toArray(String[]::new))
                .map((row, meta) -> new MemberDevice(
                        row.get("user_id", String.class),
                        Boolean.TRUE.equals(row.get("admin", Boolean.class)),
                        row.get("device_id", Integer.class),
                        row.get("leaf_index", Integer.class)))
                .all();
    }

    /** Whether {@code userId} is a member of the group. */
    public Mono<Boolean> isMember(String groupId, String userId) {
        return db.sql("SELECT EXISTS (SELECT 1 FROM group_members WHERE group_id = $1 AND user_id = $2) AS member")
                .bind(0, groupId)
                .bind(1, userId)
                .map((row, meta) -> Boolean.TRUE.equals(row.get("member", Boolean.class)))
                .one();
    }
}
