package io.socialink.gateway.presence;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one user sees of another's presence. {@code lastSeen} (epoch millis) only while offline; {@code status} and
 * {@code statusText} null when hidden (an invisible user, as others see it).
 */
public record PresenceView(
        String userId,
        boolean online,
        @Nullable Long lastSeen,
        @Nullable String status,
        @Nullable String statusText) {

    /**
     * The view of {@code target} for {@code viewer}: the user itself sees everything; an invisible user is offline
     * without last seen or status to everyone else; {@code nobody} hides online state and last seen; and a viewer
     * who hides its own sees no one else's last seen.
     *
     * @param onlineUntil the user's score in the online set (null when absent): online while after {@code now}
     * @param lastSeen    the user's last seen, null when never seen
     */
    public static PresenceView of(
            String viewer,
            PresenceSettings viewerSettings,
            String target,
            PresenceSettings targetSettings,
            @Nullable Double onlineUntil,
            @Nullable Long lastSeen,
            long now) {
        boolean online = onlineUntil != null && onlineUntil > now;
        boolean self = viewer.equals(target);
        if (!self && targetSettings.status() == PresenceSettings.Status.INVISIBLE) {
            return new PresenceView(target, false, null, null, null);
        }
        String status = targetSettings.status().value();
        if (!self && targetSettings.visibility() == PresenceSettings.Visibility.NOBODY) {
            return new PresenceView(target, false, null, status, targetSettings.text());
        }
        boolean showLastSeen = self || viewerSettings.visibility() == PresenceSettings.Visibility.EVERYONE;
        return new PresenceView(
                target, online, online || !showLastSeen ? null : lastSeen, status, targetSettings.text());
    }

    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", userId);
        body.put("online", online);
        body.put("lastSeen", lastSeen);
        body.put("status", status);
        body.put("statusText", statusText);
        return body;
    }
}
