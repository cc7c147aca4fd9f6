package io.socialink.gateway.calls;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code call_history} table of {@code V8__call_history.sql} (Postgres, R2DBC): written by the
 * {@link CallHistoryProjector} (inside its transaction), read by the history endpoint. Each write only fills what is
 * still empty (the row, then its answer, then its end), so a re-applied or late event never changes a row back.
 */
@Repository
public class CallHistoryRepository {

    private final DatabaseClient db;

    public CallHistoryRepository(DatabaseClient db) {
        this.db = db;
    }

    /** One call as the history shows it; the answer and end fields are null until they happened. */
    public record HistoryRow(
            String callId,
            String callerUserId,
            int callerDeviceId,
            String calleeUserId,
            String media,
            Instant startedAt,
            @Nullable Instant answeredAt,
            @Nullable Integer answeredDeviceId,
            @Nullable Instant endedAt,
            @Nullable String outcome,
            @Nullable Long durationMillis) {

        /** The JSON of one history entry (docs/architecture.md, "Calls"); times in epoch milliseconds. */
        public Map<String, Object> body() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("callId", callId);
            body.put("callerUserId", callerUserId);
            body.put("callerDeviceId", callerDeviceId);
            body.put("calleeUserId", calleeUserId);
            body.put("media", media);
            body.put("startedAt", startedAt.toEpochMilli());
            body.put("answeredAt", answeredAt == null ? null : answeredAt.toEpochMilli());
            body.put("answeredDeviceId", answeredDeviceId);
            body.put("endedAt", endedAt == null ? null : endedAt.toEpochMilli());
            body.put("outcome", outcome);
            body.put("durationMillis", durationMillis);
            return body;
        }
    }

    /** Creates the call's row, unless it exists (a CallInitiated applied again). */
    public Mono<Void> initiated(
            String callId,
            String callerUserId,
            int callerDeviceId,
            String calleeUserId,
            String conversationId,
            String media,
            Instant startedAt) {
        return db.sql("""
                        INSERT INTO call_history (call_id, caller_user_id, caller_device_id, callee_user_id,
                            conversation_id, media, started_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (call_id) DO NOTHING""")
                .bind(0, callId)
                .bind(1, callerUserId)
                .bind(2, callerDeviceId)
                .bind(3, calleeUserId)
                .bind(4, conversationId)
                .bind(5, media)
                .bind(6, utc(startedAt))
                .then();
    }

    /** Records the call's answer, unless one is recorded (the first answer is the one that won). */
    public Mono<Void> accepted(String callId, int deviceId, Instant at) {
        return db.sql("""
                        UPDATE call_history SET answered_at = $2, answered_device_id = $3
                        WHERE call_id = $1 AND answered_at IS NULL""").bind(0, callId).bind(1, utc(at)).bind(2, deviceId).then();
    }

    /** Records the call's end, unless one is recorded. */
    public Mono<Void> ended(String callId, String outcome, long durationMillis, Instant at) {
        return db.sql("""
                        UPDATE call_history SET ended_at = $2, outcome = $3, duration_millis = $4
                        WHERE call_id = $1 AND ended_at IS NULL""")
                .bind(0, callId)
                .bind(1, utc(at))
                .bind(2, outcome)
                .bind(3, durationMillis)
                .then();
    }

    /**
     * Up to {@code limit} calls of the conversation that started before {@code before} (all when null), newest first
     * (ties by callId, so pages are stable).
     */
    public Flux<HistoryRow> page(String conversationId, @Nullable Instant before, int limit) {
        DatabaseClient.GenericExecuteSpec query = db.sql("""
                        SELECT call_id, caller_user_id, caller_device_id, callee_user_id, media, started_at,
                            answered_at, answered_device_id, ended_at, outcome, duration_millis
                        FROM call_history
                        WHERE conversation_id = $1 AND started_at < $2
                        ORDER BY started_at DESC, call_id DESC
                        LIMIT $3""")
                .bind(0, conversationId)
                .bind(1, utc(before == null ? Instant.parse("9999-12-31T00:00:00Z") : before))
                .bind(2, limit);
        return query.map((row, meta) -> {
                    OffsetDateTime answeredAt = row.get("answered_at", OffsetDateTime.class);
                    OffsetDateTime endedAt = row.get("ended_at", OffsetDateTime.class);
                    return new HistoryRow(
                            row.get("call_id", String.class),
                            row.get("caller_user_id", String.class),
                            row.get("caller_device_id", Integer.class),
                            row.get("callee_user_id", String.class),
                            row.get("media", String.class),
                            row.get("started_at", OffsetDateTime.class).toInstant(),
                            answeredAt == null ? null : answeredAt.toInstant(),
                            row.get("answered_device_id", Integer.class),
                            endedAt == null ? null : endedAt.toInstant(),
                            row.get("outcome", String.class),
                            row.get("duration_millis", Long.class));
                })
                .all();
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
