package io.socialink.gateway.status;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads of the status projection and the per-user settings. Rows of disappearing messages whose timer ran out are
 * never returned, even before the sweep removed them.
 */
@Repository
public class StatusRepository {

    private static final String COLUMNS = """
            message_id, sender_user_id, sender_device_id, recipient_user_id, recipient_device_id,
            destination_user_id, ciphertext_bytes, sent_at, expires_at, delivered_at, read_at, deleted_at, dropped_at,
            drop_reason""";
    private static final String LIVE = "(expires_at IS NULL OR expires_at > now())";

    private final DatabaseClient db;

    public StatusRepository(DatabaseClient db) {
        this.db = db;
    }

    /** The copy of {@code messageId} for one recipient device; empty when that device did not get the message. */
    public Mono<StatusRow> copy(String messageId, String userId, int deviceId) {
        return db.sql("SELECT " + COLUMNS + " FROM message_status WHERE message_id = $1 AND recipient_user_id = $2"
                        + " AND recipient_device_id = $3 AND " + LIVE)
                .bind(0, messageId)
                .bind(1, userId)
                .bind(2, deviceId)
                .map(StatusRepository::row)
                .one();
    }

    /** Every copy of {@code messageId}. */
    public Flux<StatusRow> copies(String messageId) {
        return db.sql("SELECT " + COLUMNS + " FROM message_status WHERE message_id = $1 AND " + LIVE
                        + " ORDER BY recipient_user_id, recipient_device_id")
                .bind(0, messageId)
                .map(StatusRepository::row)
                .all();
    }

    /**
     * Up to {@code limit} messages between {@code userId} and {@code with} sent before {@code before}, newest first,
     * each with all its copies; messages {@code userId} deleted for themselves are left out.
     */
    public Flux<StatusRow> conversation(String userId, String with, Instant before, int limit) {
        return db.sql("""
                        WITH page AS (
                            SELECT message_id, MIN(sent_at) AS first_sent FROM message_status m
                             WHERE ((sender_user_id = $1 AND destination_user_id = $2)
                                 OR (sender_user_id = $2 AND destination_user_id = $1))
                               AND sent_at < $3 AND (expires_at IS NULL OR expires_at > now())
                               AND NOT EXISTS (SELECT 1 FROM message_hidden h
                                                WHERE h.user_id = $1 AND h.message_id = m.message_id)
                             GROUP BY message_id
                             ORDER BY first_sent DESC, message_id DESC
                             LIMIT $4)
                        SELECT s.message_id, s.sender_user_id, s.sender_device_id, s.recipient_user_id,
                               s.recipient_device_id, s.destination_user_id, s.ciphertext_bytes, s.sent_at,
                               s.expires_at, s.delivered_at, s.read_at, s.deleted_at, s.dropped_at, s.drop_reason
                          FROM message_status s JOIN page p ON p.message_id = s.message_id
                         ORDER BY p.first_sent DESC, s.message_id DESC, s.recipient_user_id, s.recipient_device_id""")
                .bind(0, userId)
                .bind(1, with)
                .bind(2, StatusProjector.time(before))
                .bind(3, limit)
                .map(StatusRepository::row)
                .all();
    }

    /** Every row, in key order (rebuild checks). */
    public Mono<List<StatusRow>> all() {
        return db.sql("SELECT " + COLUMNS + " FROM message_status"
                        + " ORDER BY message_id, recipient_user_id, recipient_device_id")
                .map(StatusRepository::row)
                .all()
                .collectList();
    }

    /** Whether the user allows read receipts (the default when never set). */
    public Mono<Boolean> readReceipts(String userId) {
        return db.sql("SELECT read_receipts FROM user_settings WHERE user_id = $1")
                .bind(0, userId)
                .map(row -> row.get("read_receipts", Boolean.class))
                .one()
                .defaultIfEmpty(true);
    }

    public Mono<Void> setReadReceipts(String userId, boolean enabled) {
        return db.sql("""
                        INSERT INTO user_settings (user_id, read_receipts, updated_at) VALUES ($1, $2, now())
                        ON CONFLICT (user_id) DO UPDATE SET read_receipts = EXCLUDED.read_receipts,
                                                            updated_at = now()""").bind(0, userId).bind(1, enabled).then();
    }

    private static StatusRow row(Readable row) {
        return new StatusRow(
                row.get("message_id", String.class),
                row.get("sender_user_id", String.class),
                row.get("sender_device_id", Integer.class),
                row.get("recipient_user_id", String.class),
                row.get("recipient_device_id", Integer.class),
                row.get("destination_user_id", String.class),
                row.get("ciphertext_bytes", Integer.class),
                Objects.requireNonNull(instant(row, "sent_at")),
                instant(row, "expires_at"),
                instant(row, "delivered_at"),
                instant(row, "read_at"),
                instant(row, "deleted_at"),
                instant(row, "dropped_at"),
                row.get("drop_reason", String.class));
    }

    private static @Nullable Instant instant(Readable row, String column) {
        OffsetDateTime time = row.get(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
