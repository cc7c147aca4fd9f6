package io.socialink.gateway.keys;

import io.r2dbc.spi.Readable;
import io.socialink.gateway.auth.DeviceAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The key directory tables of {@code V2__key_directory.sql} (Postgres, R2DBC). Writes join the caller's reactive
 * transaction. A one-time prekey is claimed by one statement that deletes it and returns it, choosing the row with
 * {@code FOR UPDATE SKIP LOCKED}: concurrent claims never get the same key and never wait on each other.
 */
@Repository
public class PreKeyRepository {

    private static final String INSERT_ONE_TIME = """
            INSERT INTO one_time_prekeys (user_id, device_id, key_id, public_key)
            SELECT $1, $2, k, decode(p, 'base64') FROM unnest($3::integer[], $4::text[]) AS t(k, p)
            """;

    private static final String INSERT_ONE_TIME_KYBER = """
            INSERT INTO one_time_kyber_prekeys (user_id, device_id, key_id, public_key, signature)
            SELECT $1, $2, k, decode(p, 'base64'), decode(s, 'base64')
              FROM unnest($3::integer[], $4::text[], $5::text[]) AS t(k, p, s)
            """;

    private static final String BUNDLE_DEVICES = """
            SELECT d.device_id, d.registration_id, d.identity_key,
                   s.key_id AS s_key_id, s.public_key AS s_public_key, s.signature AS s_signature,
                   k.key_id AS k_key_id, k.public_key AS k_public_key, k.signature AS k_signature
              FROM devices d
              JOIN signed_prekeys s
                ON s.user_id = d.user_id AND s.device_id = d.device_id AND s.retired_at IS NULL
              JOIN kyber_last_resort_prekeys k
                ON k.user_id = d.user_id AND k.device_id = d.device_id AND k.retired_at IS NULL
             WHERE d.user_id = $1 AND d.removed_at IS NULL AND ($2 = 0 OR d.device_id = $2)
             ORDER BY d.device_id
            """;

    // The counts read the statement's snapshot, taken before its own deletes: remaining = count - claimed.
    private static final String CLAIM = """
            WITH ec AS (
                DELETE FROM one_time_prekeys
                 WHERE user_id = $1 AND device_id = $2 AND key_id = (
                       SELECT key_id FROM one_time_prekeys WHERE user_id = $1 AND device_id = $2
                        ORDER BY key_id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING key_id, public_key),
            pq AS (
                DELETE FROM one_time_kyber_prekeys
                 WHERE user_id = $1 AND device_id = $2 AND key_id = (
                       SELECT key_id FROM one_time_kyber_prekeys WHERE user_id = $1 AND device_id = $2
                        ORDER BY key_id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING key_id, public_key, signature)
            SELECT ec.key_id AS ec_key_id, ec.public_key AS ec_public_key,
                   pq.key_id AS pq_key_id, pq.public_key AS pq_public_key, pq.signature AS pq_signature,
                   (SELECT count(*) FROM one_time_prekeys WHERE user_id = $1 AND device_id = $2) AS ec_count,
                   (SELECT count(*) FROM one_time_kyber_prekeys WHERE user_id = $1 AND device_id = $2) AS pq_count
              FROM (SELECT 1) AS one LEFT JOIN ec ON true LEFT JOIN pq ON true
            """;

    private static final String COUNTS = """
            SELECT (SELECT count(*) FROM one_time_prekeys WHERE user_id = $1 AND device_id = $2) AS ec_count,
                   (SELECT count(*) FROM one_time_kyber_prekeys WHERE user_id = $1 AND device_id = $2) AS pq_count
            """;

    private static final String STATS = """
            SELECT (SELECT count(*) FROM one_time_prekeys WHERE user_id = $1 AND device_id = $2) AS ec_count,
                   (SELECT count(*) FROM one_time_kyber_prekeys WHERE user_id = $1 AND device_id = $2) AS pq_count,
                   (SELECT created_at FROM signed_prekeys
                     WHERE user_id = $1 AND device_id = $2 AND retired_at IS NULL) AS signed_at,
                   (SELECT created_at FROM kyber_last_resort_prekeys
                     WHERE user_id = $1 AND device_id = $2 AND retired_at IS NULL) AS last_resort_at,
                   now() AS now
            """;

    private final DatabaseClient db;

    public PreKeyRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Stores the keys a registration brings for the just inserted {@code device}. */
    public Mono<Void> insertRegistration(DeviceAddress device, RegistrationValidator.ValidRegistration registration) {
        return insertCurrent(Table.SIGNED, device, registration.signedPreKey())
                .then(insertCurrent(Table.LAST_RESORT, device, registration.pqLastResortPreKey()))
                .then(insertOneTime(device, registration.preKeys()))
                .then(insertOneTimeKyber(device, registration.pqPreKeys()));
    }

    public Mono<Void> insertOneTime(DeviceAddress device, List<PreKey> keys) {
        if (keys.isEmpty()) {
            return Mono.empty();
        }
        return db.sql(INSERT_ONE_TIME)
                .bind(0, device.userId())
                .bind(1, device.deviceId())
                .bind(2, keys.stream().map(PreKey::keyId).toArray(Integer[]::new))
                .bind(3, keys.stream().map(key -> base64(key.publicKey())).toArray(String[]::new))
                .then();
    }

    public Mono<Void> insertOneTimeKyber(DeviceAddress device, List<PreKey> keys) {
        if (keys.isEmpty()) {
            return Mono.empty();
        }
        return db.sql(INSERT_ONE_TIME_KYBER)
                .bind(0, device.userId())
                .bind(1, device.deviceId())
                .bind(2, keys.stream().map(PreKey::keyId).toArray(Integer[]::new))
                .bind(3, keys.stream().map(key -> base64(key.publicKey())).toArray(String[]::new))
                // Kyber prekeys are signed (PreKeyRules)
                .bind(
                        4,
                        keys.stream()
                                .map(key -> base64(Objects.requireNonNull(key.signature())))
                                .toArray(String[]::new))
                .then();
    }

    /**
     * Makes {@code key} the device's current signed EC prekey (or Kyber last resort): drops the retired one, retires
     * the current one, inserts the new one. A key id the device still holds collides on the primary key.
     */
    public Mono<Void> rotate(Table table, DeviceAddress device, PreKey key) {
        return db.sql("DELETE FROM " + table.name + " WHERE user_id = $1 AND device_id = $2 AND retired_at IS NOT NULL")
                .bind(0, device.userId())
                .bind(1, device.deviceId())
                .then()
                .then(db.sql("UPDATE " + table.name + " SET retired_at = now()"
                                + " WHERE user_id = $1 AND device_id = $2 AND retired_at IS NULL")
                        .bind(0, device.userId())
                        .bind(1, device.deviceId())
                        .then())
                .then(insertCurrent(table, device, key));
    }

    private Mono<Void> insertCurrent(Table table, DeviceAddress device, PreKey key) {
        return db.sql("INSERT INTO " + table.name + " (user_id, device_id, key_id, public_key, signature)"
                        + " VALUES ($1, $2, $3, $4, $5)")
                .bind(0, device.userId())
                .bind(1, device.deviceId())
                .bind(2, key.keyId())
                .bind(3, key.publicKey())
                // signed and last-resort prekeys carry a signature (PreKeyRules)
                .bind(4, Objects.requireNonNull(key.signature()))
                .then();
    }

    /**
     * Locks the device's row until the end of the transaction and returns its identity key; empty when the device is
     * not active. Uploads, rotations and deactivation of one device take this lock, so they apply one at a time.
     */
    public Mono<byte[]> lockActiveDevice(DeviceAddress device) {
        return db.sql("SELECT identity_key FROM devices"
                        + " WHERE user_id = $1 AND device_id = $2 AND removed_at IS NULL FOR UPDATE")
                .bind(0, device.userId())
                .bind(1, device.deviceId())
                .map((row, meta) -> DeviceRepository.toBytes(row.get("identity_key")))
                .one();
    }

    /** Whether the device is registered and not removed. */
    public Mono<Boolean> isActive(DeviceAddress device) {
        return db.sql("SELECT EXISTS (SELECT 1 FROM devices"
                        + " WHERE user_id = $1 AND device_id = $2 AND removed_at IS NULL) AS active")
                .bind(0, device.userId())
                .bind(1, device.deviceId())
                .map((row, meta) -> Boolean.TRUE.equals(row.get("active", Boolean.class)))
                .one();
    }

    /** Whether any of {@code keyIds} is a one-time Kyber prekey id of the device. */
    public Mono<Boolean> hasOneTimeKyberId(DeviceAddress device, List<Integer> keyIds) {
        return anyKeyId("one_time_kyber_prekeys", device, keyIds);
    }

    /** Whether any of {@code keyIds} is a (current or retired) Kyber last-resort prekey id of the device. */
    public Mono<Boolean> hasLastResortId(DeviceAddress device, List<Integer> keyIds) {
        return anyKeyId(Table.LAST_RESORT.name, device, keyIds);
    }

    private Mono<Boolean> anyKeyId(String table, DeviceAddress device, List<Integer> keyIds) {
        if (keyIds.isEmpty()) {
            return Mono.just(false);
        }
        return db.sql("SELECT EXISTS (SELECT 1 FROM " + table
                        + " WHERE user_id = $1 AND device_id = $2 AND key_id = ANY($3)) AS found")
                .bind(0, device.userId())
                .bind(1, device.deviceId())
                .bind(2, keyIds.toArray(Integer[]::new))
                .map((row, meta) -> Boolean.TRUE.equals(row.get("found", Boolean.class)))
                .one();
    }

    /** The active devices of {@code userId} that have keys, or only {@code deviceId} when it is positive. */
    public Flux<BundleDevice> bundleDevices(String userId, int deviceId) {
        return db.sql(BUNDLE_DEVICES)
                .bind(0, userId)
                .bind(1, deviceId)
                .map((row, meta) -> new BundleDevice(
                        row.get("device_id", Integer.class),
                        row.get("registration_id", Integer.class),
                        DeviceRepository.toBytes(row.get("identity_key")),
                        new PreKey(
                                row.get("s_key_id", Integer.class),
                                DeviceRepository.toBytes(row.get("s_public_key")),
                                DeviceRepository.toBytes(row.get("s_signature"))),
                        new PreKey(
                                row.get("k_key_id", Integer.class),
                                DeviceRepository.toBytes(row.get("k_public_key")),
                                DeviceRepository.toBytes(row.get("k_signature")))))
                .all();
    }

    /** Claims at most one one-time EC and one one-time Kyber prekey of the device, atomically. */
    public Mono<Claim> claim(DeviceAddress device) {
        return db.sql(CLAIM)
                .bind(0, device.userId())
                .bind(1, device.deviceId())
                .map((row, meta) -> {
                    Integer ecKeyId = row.get("ec_key_id", Integer.class);
                    Integer pqKeyId = row.get("pq_key_id", Integer.class);
                    PreKey ec = ecKeyId == null
                            ? null
                            : new PreKey(ecKeyId, DeviceRepository.toBytes(row.get("ec_public_key")), null);
                    PreKey pq = pqKeyId == null
                            ? null
                            : new PreKey(
                                    pqKeyId,
                                    DeviceRepository.toBytes(row.get("pq_public_key")),
                                    DeviceRepository.toBytes(row.get("pq_signature")));
                    int ecLeft = count(row, "ec_count") - (ec == null ? 0 : 1);
                    int pqLeft = count(row, "pq_count") - (pq == null ? 0 : 1);
                    return new Claim(ec, pq, new PreKeyCounts(Math.max(0, ecLeft), Math.max(0, pqLeft)));
                })
                .one();
    }

    public Mono<PreKeyCounts> counts(DeviceAddress device) {
        return db.sql(COUNTS)
                .bind(0, device.userId())
                .bind(1, device.deviceId())
                .map((row, meta) -> new PreKeyCounts(count(row, "ec_count"), count(row, "pq_count")))
                .one();
    }

    public Mono<PreKeyStats> stats(DeviceAddress device) {
        return db.sql(STATS)
                .bind(0, device.userId())
                .bind(1, device.deviceId())
                .map((row, meta) -> {
                    Instant now = row.get("now", OffsetDateTime.class).toInstant();
                    return new PreKeyStats(
                            count(row, "ec_count"),
                            count(row, "pq_count"),
                            ageSeconds(row.get("signed_at", OffsetDateTime.class), now),
                            ageSeconds(row.get("last_resort_at", OffsetDateTime.class), now));
                })
                .one();
    }

    /** Removes every key of the device (at deactivation). */
    public Mono<Void> deleteAll(DeviceAddress device) {
        return Flux.fromArray(new String[] {
                    "one_time_prekeys", "one_time_kyber_prekeys", Table.SIGNED.name, Table.LAST_RESORT.name
                })
                .concatMap(table -> db.sql("DELETE FROM " + table + " WHERE user_id = $1 AND device_id = $2")
                        .bind(0, device.userId())
                        .bind(1, device.deviceId())
                        .then())
                .then();
    }

    /** The tables of keys a device has exactly one current row of. */
    public enum Table {
        SIGNED("signed_prekeys"),
        LAST_RESORT("kyber_last_resort_prekeys");

        private final String name;

        Table(String name) {
            this.name = name;
        }
    }

    private static int count(Readable row, String column) {
        Long count = row.get(column, Long.class);
        return count == null ? 0 : count.intValue();
    }

    private static long ageSeconds(OffsetDateTime at, Instant now) {
        return at == null
                ? -1
                : Math.max(0, Duration.between(at.toInstant(), now).toSeconds());
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
