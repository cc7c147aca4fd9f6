package io.socialink.gateway.keys;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The device table (Postgres, R2DBC). Device ids are assigned race-free without locks: the next id is computed
 * and inserted in one statement, so two concurrent registrations of one user collide on the primary key and the
 * loser retries with a fresh view ({@link DeviceRegistration}); the active-device limit is checked in the same
 * statement.
 */
@Repository
public class DeviceRepository {

    private static final String INSERT = """
            INSERT INTO devices (user_id, device_id, registration_id, identity_key, secret_hash, secret_salt)
            SELECT $1, COALESCE(MAX(device_id), 0) + 1, $2, $3, $4, $5
              FROM devices
             WHERE user_id = $1
            HAVING COUNT(*) FILTER (WHERE removed_at IS NULL) < $6
            RETURNING device_id, created_at
            """;

    private final DatabaseClient db;

    public DeviceRepository(DatabaseClient db) {
        this.db = db;
    }

    /**
     * Stores a new device with the next free id; empty when the user already has {@code maxDevices} active. Fails
     * with {@link org.springframework.dao.DuplicateKeyException} when a concurrent registration took the id.
     */
    public Mono<Device> insert(NewDevice device, int maxDevices) {
        return db.sql(INSERT)
                .bind(0, device.userId())
                .bind(1, device.registrationId())
                .bind(2, device.identityKey())
                .bind(3, device.secretHash())
                .bind(4, device.secretSalt())
                .bind(5, maxDevices)
                .map((row, meta) -> new Device(
                        device.userId(),
                        row.get("device_id", Integer.class),
                        device.registrationId(),
                        Objects.requireNonNull(toInstant(row.get("created_at", OffsetDateTime.class)))))
                .one();
    }

    /** Marks an active device removed; false when it is unknown or removed already. */
    public Mono<Boolean> markRemoved(String userId, int deviceId) {
        return db.sql("UPDATE devices SET removed_at = now()"
                        + " WHERE user_id = $1 AND device_id = $2 AND removed_at IS NULL")
                .bind(0, userId)
                .bind(1, deviceId)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows > 0);
    }

    /** The user's active devices by device id. */
    public Flux<Device> activeDevices(String userId) {
        return db.sql("""
                        SELECT device_id, registration_id, created_at FROM devices
                         WHERE user_id = $1 AND removed_at IS NULL ORDER BY device_id""")
                .bind(0, userId)
                .map((row, meta) -> new Device(
                        userId,
                        row.get("device_id", Integer.class),
                        row.get("registration_id", Integer.class),
                        Objects.requireNonNull(toInstant(row.get("created_at", OffsetDateTime.class)))))
                .all();
    }

    /** The active devices of several users in one query. */
    public Flux<Device> activeDevices(Collection<String> userIds) {
        return db.sql("""
                        SELECT user_id, device_id, registration_id, created_at FROM devices
                         WHERE user_id = ANY($1) AND removed_at IS NULL""")
                .bind(0, userIds.toArray(String[]::new))
                .map((row, meta) -> new Device(
                        row.get("user_id", String.class),
                        row.get("device_id", Integer.class),
                        row.get("registration_id", Integer.class),
                        Objects.requireNonNull(toInstant(row.get("created_at", OffsetDateTime.class)))))
                .all();
    }

    /** The secret hash of an active device; empty for unknown or removed devices. */
    public Mono<StoredCredential> credential(String userId, int deviceId) {
        return db.sql("""
                        SELECT secret_salt, secret_hash FROM devices
                         WHERE user_id = $1 AND device_id = $2 AND removed_at IS NULL""")
                .bind(0, userId)
                .bind(1, deviceId)
                .map((row, meta) ->
                        new StoredCredential(toBytes(row.get("secret_salt")), toBytes(row.get("secret_hash"))))
                .one();
    }

    static byte[] toBytes(Object value) {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof java.nio.ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }
        throw new IllegalStateException("unexpected bytea mapping " + (value == null ? "null" : value.getClass()));
    }

    private static @Nullable Instant toInstant(@Nullable OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
