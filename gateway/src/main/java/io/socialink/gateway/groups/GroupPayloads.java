package io.socialink.gateway.groups;

import io.socialink.gateway.messages.RequestHash;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import io.socialink.schemas.avro.CommitBundle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The payload store of {@code V6__group_payloads.sql}: a commit bundle's Commit and Welcome stored once in Postgres
 * before the bundle's command is produced, so that group-fanout's copies to hundreds of devices (and their queue
 * entries and pushes) carry a 43-character key instead of up to 2 MiB each. Content-addressed: the key is the
 * base64url SHA-256 of the bytes, so a retried bundle, or two bundles with the same bytes, share one row.
 *
 * <p>A row is kept for {@code retention} after its last store, which must exceed the delivery-worker's queue TTL:
 * a copy can wait that long in a queue. A bundle that group-fanout refuses leaves its rows until then.
 */
public class GroupPayloads {

    private final DatabaseClient db;
    private final Duration retention;

    public GroupPayloads(DatabaseClient db, Duration retention) {
        this.db = db;
        this.retention = retention;
    }

    /** The key of {@code content}: base64url (no padding) of its SHA-256. */
    public static String ref(byte[] content) {
        return RequestHash.sha256(content);
    }

    /**
     * Stores the bundle's Commit and Welcome and sets {@code commitRef} and {@code welcomeRef}; errors as 503 when
     * Postgres does not take them, before anything reaches Kafka.
     */
    public Mono<CommitBundle> store(CommitBundle bundle) {
        return Mono.defer(() -> {
                    // the commit's SHA-256 is the bundle's commitHash already
                    String commitRef =
                            Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(bundle.getCommitHash()));
                    bundle.setCommitRef(commitRef);
                    Mono<Void> stored = store(commitRef, bundle.getCommit());
                    ByteBuffer welcome = bundle.getWelcome();
                    if (welcome != null) {
                        String welcomeRef = ref(bytes(welcome));
                        bundle.setWelcomeRef(welcomeRef);
                        stored = stored.then(store(welcomeRef, welcome));
                    }
                    return stored.thenReturn(bundle);
                })
                .onErrorMap(error -> !(error instanceof ProblemException), error -> Problem.unavailable(
                                "the commit bundle could not be stored, retry")
                        .toException());
    }

    private Mono<Void> store(String ref, ByteBuffer content) {
        // a second store of the same bytes only moves the row's retention forward
        return db.sql("""
                        INSERT INTO group_payloads (ref, content, stored_at) VALUES ($1, $2, $3)
                        ON CONFLICT (ref) DO UPDATE SET stored_at = EXCLUDED.stored_at""")
                .bind(0, ref)
                .bind(1, content.duplicate())
                .bind(2, OffsetDateTime.now(ZoneOffset.UTC))
                .then();
    }

    /** The bytes stored under {@code ref}; empty when there are none (swept, or never stored). */
    public Mono<Optional<byte[]>> load(String ref) {
        return db.sql("SELECT content FROM group_payloads WHERE ref = $1")
                .bind(0, ref)
                .map(row -> row.get(0, byte[].class))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    /** Deletes the rows last stored more than the retention ago; returns how many. */
    public Mono<Long> sweep(Instant now) {
        return db.sql("DELETE FROM group_payloads WHERE stored_at < $1")
                .bind(0, OffsetDateTime.ofInstant(now.minus(retention), ZoneOffset.UTC))
                .fetch()
                .rowsUpdated();
    }

    private static byte[] bytes(@Nullable ByteBuffer buffer) {
        if (buffer == null) {
            return new byte[0];
        }
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }
}
