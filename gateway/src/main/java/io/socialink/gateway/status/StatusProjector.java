package io.socialink.gateway.status;

import io.socialink.schemas.avro.MessageMetadata;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Applies {@code metadata.messages} events to the status projection ({@code message_status}, {@code message_hidden}).
 * Every event is idempotent and the result does not depend on how often an event is applied: SENT creates the copy's
 * row (unless its disappearing timer ran out already), later events only fill in their time with LEAST, EXPIRED
 * removes the message's rows. Replaying the topic from the start therefore rebuilds the same rows.
 */
@Component
public class StatusProjector {

    static final String FOR_ME = "for-me";

    private static final String INSERT_SENT = """
            INSERT INTO message_status (message_id, sender_user_id, sender_device_id, recipient_user_id,
                                        recipient_device_id, destination_user_id, ciphertext_bytes, sent_at, expires_at)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
             WHERE $9::timestamptz IS NULL OR $9::timestamptz > now()
            ON CONFLICT (message_id, recipient_user_id, recipient_device_id) DO NOTHING""";

    private final DatabaseClient db;
    private final TransactionalOperator transactions;

    public StatusProjector(DatabaseClient db, TransactionalOperator transactions) {
        this.db = db;
        this.transactions = transactions;
    }

    /**
     * Applies events in their order in one transaction, so a poll's worth of events costs one commit instead of one
     * per event; completes when Postgres has them all. On failure none of them is applied.
     */
    public Mono<Void> applyAll(List<MessageMetadata> events) {
        return Flux.fromIterable(events).concatMap(this::apply).then().as(transactions::transactional);
    }

    /** Applies one event; completes when Postgres has it. */
    public Mono<Void> apply(MessageMetadata event) {
        return switch (event.getEvent()) {
            case SENT -> sent(event);
            case DELIVERED -> fill(event, "delivered_at");
            case READ -> fill(event, "read_at");
            case DELETED -> FOR_ME.equals(event.getReason()) ? hide(event) : fill(event, "deleted_at");
            case DROPPED -> dropped(event);
            case EXPIRED -> expired(event.getMessageId());
            default -> Mono.empty();
        };
    }

    private Mono<Void> sent(MessageMetadata event) {
        String destination =
                event.getDestinationUserId() == null ? event.getRecipientUserId() : event.getDestinationUserId();
        DatabaseClient.GenericExecuteSpec spec = db.sql(INSERT_SENT)
                .bind(0, event.getMessageId())
                .bind(1, event.getSenderUserId())
                .bind(2, event.getSenderDeviceId())
                .bind(3, event.getRecipientUserId())
                .bind(4, event.getRecipientDeviceId())
                .bind(5, destination)
                .bind(6, event.getCiphertextBytes())
                .bind(7, time(event.getAt()));
        spec = event.getExpiresAt() == null
                ? spec.bindNull(8, OffsetDateTime.class)
                : spec.bind(8, time(event.getExpiresAt()));
        return spec.then();
    }

    private Mono<Void> fill(MessageMetadata event, String column) {
        return db.sql("UPDATE message_status SET " + column + " = LEAST(" + column + ", $1)"
                        + " WHERE message_id = $2 AND recipient_user_id = $3 AND recipient_device_id = $4")
                .bind(0, time(event.getAt()))
                .bind(1, event.getMessageId())
                .bind(2, event.getRecipientUserId())
                .bind(3, event.getRecipientDeviceId())
                .then();
    }

    private Mono<Void> dropped(MessageMetadata event) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("""
                        UPDATE message_status SET dropped_at = LEAST(dropped_at, $1),
                                                  drop_reason = COALESCE(drop_reason, $2)
                         WHERE message_id = $3 AND recipient_user_id = $4 AND recipient_device_id = $5""").bind(0, time(event.getAt()));
        spec = event.getReason() == null ? spec.bindNull(1, String.class) : spec.bind(1, event.getReason());
        return spec.bind(2, event.getMessageId())
                .bind(3, event.getRecipientUserId())
                .bind(4, event.getRecipientDeviceId())
                .then();
    }

    private Mono<Void> hide(MessageMetadata event) {
        String user = event.getActorUserId() == null ? event.getRecipientUserId() : event.getActorUserId();
        return db.sql("""
                        INSERT INTO message_hidden (user_id, message_id, hidden_at) VALUES ($1, $2, $3)
                        ON CONFLICT (user_id, message_id) DO UPDATE SET hidden_at = LEAST(message_hidden.hidden_at,
                                                                                          EXCLUDED.hidden_at)""")
                .bind(0, user)
                .bind(1, event.getMessageId())
                .bind(2, time(event.getAt()))
                .then();
    }

    private Mono<Void> expired(String messageId) {
        return db.sql("DELETE FROM message_status WHERE message_id = $1")
                .bind(0, messageId)
                .then()
                .then(db.sql("DELETE FROM message_hidden WHERE message_id = $1")
                        .bind(0, messageId)
                        .then());
    }

    /** Removes the rows of messages whose disappearing timer ran out, also those delivered everywhere. */
    public Mono<Long> sweepExpired() {
        return db.sql("DELETE FROM message_status WHERE expires_at <= now()")
                .fetch()
                .rowsUpdated();
    }

    /** Empties the projection (rebuild). */
    public Mono<Void> truncate() {
        return db.sql("TRUNCATE message_status, message_hidden").then();
    }

    static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
