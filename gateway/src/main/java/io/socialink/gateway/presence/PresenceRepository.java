package io.socialink.gateway.presence;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** The presence columns of {@code user_settings}; a user without a row has {@link PresenceSettings#DEFAULTS}. */
@Repository
public class PresenceRepository {

    private final DatabaseClient db;

    public PresenceRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<PresenceSettings> settings(String userId) {
        return db.sql("""
                        SELECT presence_visibility, presence_status, status_text FROM user_settings
                         WHERE user_id = $1""")
                .bind(0, userId)
                .map((row, meta) -> settings(
                        row.get("presence_visibility", String.class),
                        row.get("presence_status", String.class),
                        row.get("status_text", String.class)))
                .one()
                .defaultIfEmpty(PresenceSettings.DEFAULTS);
    }

    /** The settings of every listed user that has a row; the others have the defaults. */
    public Mono<Map<String, PresenceSettings>> settings(Collection<String> userIds) {
        return db.sql("""
                        SELECT user_id, presence_visibility, presence_status, status_text FROM user_settings
                         WHERE user_id = ANY($1)""")
                .bind(0, userIds.toArray(String[]::new))
                .map((row, meta) -> Map.entry(
                        Objects.requireNonNull(row.get("user_id", String.class)),
                        settings(
                                row.get("presence_visibility", String.class),
                                row.get("presence_status", String.class),
                                row.get("status_text", String.class))))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, HashMap::new);
    }

    public Mono<Void> setStatus(String userId, PresenceSettings.Status status, String text) {
        return db.sql("""
                        INSERT INTO user_settings (user_id, presence_status, status_text, updated_at)
                        VALUES ($1, $2, $3, now())
                        ON CONFLICT (user_id) DO UPDATE SET presence_status = EXCLUDED.presence_status,
                                                            status_text = EXCLUDED.status_text,
                                                            updated_at = now()""").bind(0, userId).bind(1, status.value()).bind(2, text).then();
    }

    /** Clears the status text ({@code text} absent from the update). */
    public Mono<Void> setStatus(String userId, PresenceSettings.Status status) {
        return db.sql("""
                        INSERT INTO user_settings (user_id, presence_status, status_text, updated_at)
                        VALUES ($1, $2, NULL, now())
                        ON CONFLICT (user_id) DO UPDATE SET presence_status = EXCLUDED.presence_status,
                                                            status_text = NULL,
                                                            updated_at = now()""").bind(0, userId).bind(1, status.value()).then();
    }

    public Mono<Void> setVisibility(String userId, PresenceSettings.Visibility visibility) {
        return db.sql("""
                        INSERT INTO user_settings (user_id, presence_visibility, updated_at) VALUES ($1, $2, now())
                        ON CONFLICT (user_id) DO UPDATE SET presence_visibility = EXCLUDED.presence_visibility,
                                                            updated_at = now()""").bind(0, userId).bind(1, visibility.value()).then();
    }

    private static PresenceSettings settings(String visibility, String status, String text) {
        PresenceSettings.Visibility parsedVisibility = PresenceSettings.Visibility.parse(visibility);
        PresenceSettings.Status parsedStatus = PresenceSettings.Status.parse(status);
        return new PresenceSettings(
                parsedVisibility == null ? PresenceSettings.Visibility.EVERYONE : parsedVisibility,
                parsedStatus == null ? PresenceSettings.Status.AVAILABLE : parsedStatus,
                text);
    }
}
