package io.socialink.gateway.status;

import io.socialink.schemas.avro.MessageMetadata;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Applies {@code metadata.messages} events to the status projection ({@code message_status}, {@code message_hidden}).
 * Every event is idempotent and the result does not depend on how often an event is applied: SENT creates the copy's
 * row (unless its disappearing timer ran out already), later events only fill in their time with LEAST, EXPIRED
 * removes the message's rows. Replaying the topic from the start therefore rebuilds the same rows, whatever batches
 * the events are read in ({@link StatusBatch}).
 */
@Component
public class StatusProjector {

    static final String FOR_ME = "for-me";

    // Every statement takes a poll's changes of one kind as arrays, times as epoch microseconds (exact in bigint).
    private static final String INSERT_SENT = """
            INSERT INTO message_status (message_id, sender_user_id, sender_device_id, recipient_user_id,
                                        recipient_device_id, destination_user_id, ciphertext_bytes, sent_at, expires_at)
            SELECT v.message_id, v.sender_user_id, v.sender_device_id, v.recipient_user_id, v.recipient_device_id,
                   v.destination_user_id, v.ciphertext_bytes, %1$s, %2$s
              FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::int[], $6::text[], $7::int[],
                          $8::bigint[], $9::bigint[])
                   AS v(message_id, sender_user_id, sender_device_id, recipient_user_id, recipient_device_id,
                        destination_user_id, ciphertext_bytes, sent_us, expires_us)
             WHERE v.expires_us IS NULL OR %2$s > now()
            ON CONFLICT (message_id, recipient_user_id, recipient_device_id) DO NOTHING""".formatted(micros("v.sent_us"), micros("v.expires_us"));

    private static final String FILL = """
            UPDATE message_status m SET %1$s = LEAST(m.%1$s, %2$s)
              FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[])
                   AS v(message_id, recipient_user_id, recipient_device_id, at_us)
             WHERE m.message_id = v.message_id AND m.recipient_user_id = v.recipient_user_id
               AND m.recipient_device_id = v.recipient_device_id""";

    private static final String FILL_DROPPED = """
            UPDATE message_status m SET dropped_at = LEAST(m.dropped_at, %s),
                                        drop_reason = COALESCE(m.drop_reason, v.reason)
              FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::text[])
                   AS v(message_id, recipient_user_id, recipient_device_id, at_us, reason)
             WHERE m.message_id = v.message_id AND m.recipient_user_id = v.recipient_user_id
               AND m.recipient_device_id = v.recipient_device_id""".formatted(micros("v.at_us"));

    private static final String HIDE = """
            INSERT INTO message_hidden (user_id, message_id, hidden_at)
            SELECT v.user_id, v.message_id, %s FROM unnest($1::text[], $2::text[], $3::bigint[]) AS v(user_id, message_id, at_us)
            ON CONFLICT (user_id, message_id) DO UPDATE SET hidden_at = LEAST(message_hidden.hidden_at,
                                                                              EXCLUDED.hidden_at)""".formatted(micros("v.at_us"));

    private static final String REMOVE = """
            WITH gone AS (DELETE FROM message_status WHERE message_id = ANY($1::text[]))
            DELETE FROM message_hidden WHERE message_id = ANY($1::text[])""";

    private final DatabaseClient db;
    private final TransactionalOperator transactions;

    public StatusProjector(DatabaseClient db, TransactionalOperator transactions) {
        this.db = db;
        this.transactions = transactions;
    }

    /**
     * Applies events in one transaction, one statement per kind of change ({@link StatusBatch}), with the result of
     * applying them one by one in their order; completes when Postgres has them all. On failure none of them is
     * applied.
     */
    public Mono<Void> applyAll(List<MessageMetadata> events) {
        return Flux.fromIterable(StatusBatch.segments(events))
                .concatMap(this::apply)
                .then()
                .as(transactions::transactional);
    }

    private Mono<Void> apply(StatusBatch.Segment segment) {
        List<Mono<Void>> statements = new ArrayList<>();
        if (!segment.created.isEmpty()) {
            statements.add(created(segment.created));
        }
        segment.filled.forEach((column, fills) -> statements.add(filled(column, fills)));
        if (!segment.hidden.isEmpty()) {
            statements.add(hidden(segment.hidden));
        }
        if (!segment.removed.isEmpty()) {
            statements.add(db.sql(REMOVE)
                    .bind(0, segment.removed.toArray(String[]::new))
                    .then());
        }
        return Flux.concat(statements).then();
    }

    private Mono<Void> created(List<MessageMetadata> events) {
        int n = events.size();
        String[] messageIds = new String[n];
        String[] senders = new String[n];
        Integer[] senderDevices = new Integer[n];
        String[] recipients = new String[n];
        Integer[] recipientDevices = new Integer[n];
        String[] destinations = new String[n];
        Integer[] sizes = new Integer[n];
        Long[] sentAt = new Long[n];
        Long[] expiresAt = new Long[n];
        for (int i = 0; i < n; i++) {
            MessageMetadata event = events.get(i);
            messageIds[i] = event.getMessageId();
            senders[i] = event.getSenderUserId();
            senderDevices[i] = event.getSenderDeviceId();
            recipients[i] = event.getRecipientUserId();
            recipientDevices[i] = event.getRecipientDeviceId();
            destinations[i] =
                    event.getDestinationUserId() == null ? event.getRecipientUserId() : event.getDestinationUserId();
            sizes[i] = event.getCiphertextBytes();
            sentAt[i] = micros(event.getAt());
            expiresAt[i] = event.getExpiresAt() == null ? null : micros(event.getExpiresAt());
        }
        return db.sql(INSERT_SENT)
                .bind(0, messageIds)
                .bind(1, senders)
                .bind(2, senderDevices)
                .bind(3, recipients)
                .bind(4, recipientDevices)
                .bind(5, destinations)
                .bind(6, sizes)
                .bind(7, sentAt)
                .bind(8, expiresAt)
                .then();
    }

    private Mono<Void> filled(String column, Map<StatusBatch.Copy, StatusBatch.Fill> fills) {
        int n = fills.size();
        String[] messageIds = new String[n];
        String[] recipients = new String[n];
        Integer[] recipientDevices = new Integer[n];
        Long[] at = new Long[n];
        String[] reasons = new String[n];
        int i = 0;
        for (Map.Entry<StatusBatch.Copy, StatusBatch.Fill> fill : fills.entrySet()) {
            messageIds[i] = fill.getKey().messageId();
            recipients[i] = fill.getKey().recipientUserId();
            recipientDevices[i] = fill.getKey().recipientDeviceId();
            at[i] = micros(fill.getValue().at());
            reasons[i] = fill.getValue().reason();
            i++;
        }
        boolean dropped = "dropped_at".equals(column);
        DatabaseClient.GenericExecuteSpec spec = db.sql(
                        dropped ? FILL_DROPPED : FILL.formatted(column, micros("v.at_us")))
                .bind(0, messageIds)
                .bind(1, recipients)
                .bind(2, recipientDevices)
                .bind(3, at);
        return (dropped ? spec.bind(4, reasons) : spec).then();
    }

    private Mono<Void> hidden(Map<StatusBatch.Hidden, Instant> hidden) {
        int n = hidden.size();
        String[] users = new String[n];
        String[] messageIds = new String[n];
        Long[] at = new Long[n];
        int i = 0;
        for (Map.Entry<StatusBatch.Hidden, Instant> hide : hidden.entrySet()) {
            users[i] = hide.getKey().userId();
            messageIds[i] = hide.getKey().messageId();
            at[i] = micros(hide.getValue());
            i++;
        }
        return db.sql(HIDE).bind(0, users).bind(1, messageIds).bind(2, at).then();
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

    /** Epoch microseconds, exact for any time Postgres stores. */
    static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    /** The SQL for a timestamptz from epoch microseconds, with integer arithmetic only. */
    private static String micros(String column) {
        return "('epoch'::timestamptz + " + column + " * interval '1 microsecond')";
    }
}
