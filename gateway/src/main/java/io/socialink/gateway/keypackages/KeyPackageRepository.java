package io.socialink.gateway.keypackages;

import io.socialink.gateway.auth.DeviceAddress;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The KeyPackage tables of {@code V4__key_packages.sql} (Postgres, R2DBC); writes join the caller's reactive
 * transaction. A claim hands out one KeyPackage per active device of the listed users in one statement: each
 * device's oldest one-time KeyPackage is chosen with {@code FOR UPDATE SKIP LOCKED} and deleted, so concurrent
 * claims never get the same one and never wait on each other; a device without one gets its last-resort one.
 */
@Repository
public class KeyPackageRepository {

    private static final String INSERT_ONE_TIME = """
            WITH stored AS (
                INSERT INTO one_time_key_packages (user_id, device_id, ref, key_package)
                SELECT $1, $2, decode(r, 'base64'), decode(k, 'base64')
                  FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS t(r, k, n) ORDER BY n
                ON CONFLICT (ref) DO NOTHING
                RETURNING ref)
            INSERT INTO key_package_refs (ref, user_id, device_id, last_resort)
            SELECT ref, $1, $2, false FROM stored
            ON CONFLICT (ref) DO NOTHING
            """;

    private static final String REPLACE_LAST_RESORT = """
            WITH stored AS (
                INSERT INTO last_resort_key_packages (user_id, device_id, ref, key_package)
                VALUES ($1, $2, $3, $4)
                ON CONFLICT (user_id, device_id)
                DO UPDATE SET ref = excluded.ref, key_package = excluded.key_package, created_at = now()
                RETURNING ref)
            INSERT INTO key_package_refs (ref, user_id, device_id, last_resort)
            SELECT ref, $1, $2, true FROM stored
            ON CONFLICT (ref) DO NOTHING
            """;

    // $4: skip the caller's own device ($2.$3)
    private static final String CLAIM = """
            WITH targets AS (
                SELECT user_id, device_id FROM devices
                 WHERE user_id = ANY($1::text[]) AND removed_at IS NULL
                   AND NOT ($4 AND user_id = $2 AND device_id = $3)),
            picked AS (
                SELECT o.user_id, o.device_id, o.seq FROM targets t
                 CROSS JOIN LATERAL (
                    SELECT k.user_id, k.device_id, k.seq FROM one_time_key_packages k
                     WHERE k.user_id = t.user_id AND k.device_id = t.device_id
                     ORDER BY k.seq LIMIT 1 FOR UPDATE SKIP LOCKED) o),
            claimed AS (
                DELETE FROM one_time_key_packages k USING picked p
                 WHERE k.user_id = p.user_id AND k.device_id = p.device_id AND k.seq = p.seq
                RETURNING k.user_id, k.device_id, k.ref, k.key_package),
            handed AS (
                UPDATE key_package_refs r SET handed_out_at = now() FROM claimed c WHERE r.ref = c.ref)
            SELECT t.user_id, t.device_id, COALESCE(c.key_package, l.key_package) AS key_package,
                   c.ref IS NULL AS last_resort
              FROM targets t
              LEFT JOIN claimed c ON c.user_id = t.user_id AND c.device_id = t.device_id
              LEFT JOIN last_resort_key_packages l ON l.user_id = t.user_id AND l.device_id = t.device_id
             ORDER BY t.user_id, t.device_id
            """;

    private final DatabaseClient db;

    public KeyPackageRepository(DatabaseClient db) {
        this.db = db;
    }

    /** One device's KeyPackage of a claim; {@code keyPackage} is null when the device has none at all. */
    public record Claimed(String userId, int deviceId, byte @Nullable [] keyPackage, boolean lastResort) {}

    /** Locks the device's row until the end of the transaction; false when the device is not active. */
    public Mono<Boolean> lockActiveDevice(DeviceAddress device) {
        return db.sql("SELECT 1 AS found FROM devices"
                        + " WHERE user_id = $1 AND device_id = $2 AND removed_at IS NULL FOR UPDATE")
                .bind(0, device.userId())
                .bind(1, device.deviceId())
                .map((row, meta) -> true)
                .one()
                .defaultIfEmpty(false);
    }

    /** Stores one-time KeyPackages in order; ones stored already (same ref) are left as they are. */
    public Mono<Void> insertOneTime(DeviceAddress device, List<KeyPackages.Parsed> keyPackages) {
        if (keyPackages.isEmpty()) {
            return Mono.empty();
        }
        return db.sql(INSERT_ONE_TIME)
                .bind(0, device.userId())
                .bind(1, device.deviceId())
                .bind(
                        2,
                        keyPackages.stream().map(parsed -> base64(parsed.ref())).toArray(String[]::new))
                // uploaded KeyPackages are parsed from their own message (KeyPackages.parseUpload)
                .bind(
                        3,
                        keyPackages.stream()
                                .map(parsed -> base64(Objects.requireNonNull(parsed.message())))
                                .toArray(String[]::new))
                .then();
    }

    /** Makes {@code keyPackage} the device's last-resort KeyPackage, replacing the previous one. */
    public Mono<Void> replaceLastResort(DeviceAddress device, KeyPackages.Parsed keyPackage) {
        return db.sql(REPLACE_LAST_RESORT)
                .bind(0, device.userId())
                .bind(1, device.deviceId())
                .bind(2, keyPackage.ref())
                .bind(3, Objects.requireNonNull(keyPackage.message()))
                .then();
    }

    /** The device's one-time KeyPackages left. */
    public Mono<Integer> countOneTime(DeviceAddress device) {
        return db.sql("SELECT count(*) AS n FROM one_time_key_packages WHERE user_id = $1 AND device_id = $2")
                .bind(0, device.userId())
                .bind(1, device.deviceId())
                .map((row, meta) -> row.get("n", Long.class).intValue())
                .one();
    }

    /** Whether the device has a last-resort KeyPackage. */
    public Mono<Boolean> hasLastResort(DeviceAddress device) {
        return db.sql("SELECT EXISTS (SELECT 1 FROM last_resort_key_packages"
                        + " WHERE user_id = $1 AND device_id = $2) AS found")
                .bind(0, device.userId())
                .bind(1, device.deviceId())
                .map((row, meta) -> Boolean.TRUE.equals(row.get("found", Boolean.class)))
                .one();
    }

    /**
     * Claims one KeyPackage for every active device of {@code users}, by user and device id; the caller's own device
     * {@code caller} is left out when {@code skipCaller}.
     */
    public Flux<Claimed> claim(Collection<String> users, DeviceAddress caller, boolean skipCaller) {
        return db.sql(CLAIM)
                .bind(0, users.toArray(String[]::new))
                .bind(1, caller.userId())
                .bind(2, caller.deviceId())
                .bind(3, skipCaller)
                .map((row, meta) -> {
                    Object keyPackage = row.get("key_package");
                    return new Claimed(
                            row.get("user_id", String.class),
                            row.get("device_id", Integer.class),
                            keyPackage == null ? null : toBytes(keyPackage),
                            Boolean.TRUE.equals(row.get("last_resort", Boolean.class)));
                })
                .all();
    }

    /** The device each known KeyPackageRef of {@code refs} belongs to, as (base64 ref, device). */
    public Flux<RefOwner> owners(Collection<byte[]> refs) {
        if (refs.isEmpty()) {
            return Flux.empty();
        }
        return db.sql("""
                        SELECT encode(r.ref, 'base64') AS ref, r.user_id, r.device_id
                          FROM key_package_refs r
                          JOIN devices d ON d.user_id = r.user_id AND d.device_id = r.device_id
                                        AND d.removed_at IS NULL
                         WHERE r.ref IN (SELECT decode(x, 'base64') FROM unnest($1::text[]) AS t(x))""")
                .bind(0, refs.stream().map(KeyPackageRepository::base64).toArray(String[]::new))
                .map((row, meta) -> new RefOwner(
                        row.get("ref", String.class).replace("\n", ""),
                        new DeviceAddress(row.get("user_id", String.class), row.get("device_id", Integer.class))))
                .all();
    }

    /** A known KeyPackageRef (standard base64) and its device. */
    public record RefOwner(String ref, DeviceAddress device) {}

    /** Removes every KeyPackage and KeyPackageRef of the device (at deactivation). */
    public Mono<Void> deleteAll(DeviceAddress device) {
        return Flux.just("one_time_key_packages", "last_resort_key_packages", "key_package_refs")
                .concatMap(table -> db.sql("DELETE FROM " + table + " WHERE user_id = $1 AND device_id = $2")
                        .bind(0, device.userId())
                        .bind(1, device.deviceId())
                        .then())
                .then();
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static byte[] toBytes(Object value) {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }
        throw new IllegalStateException("unexpected bytea mapping " + (value == null ? "null" : value.getClass()));
    }
}
