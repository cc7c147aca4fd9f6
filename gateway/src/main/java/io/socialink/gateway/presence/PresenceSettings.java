package io.socialink.gateway.presence;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A user's presence settings: who sees its online state and last seen ({@code everyone} or {@code nobody}), and
 * its chosen status with an optional text of at most {@value #MAX_TEXT} characters.
 */
public record PresenceSettings(
        Visibility visibility, Status status, @Nullable String text) {

    public static final int MAX_TEXT = 140;

    public static final PresenceSettings DEFAULTS = new PresenceSettings(Visibility.EVERYONE, Status.AVAILABLE, null);

    /** Who sees the user's online state and last seen; who sees nobody's also sees no one else's last seen. */
    public enum Visibility {
        EVERYONE,
        NOBODY;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static @Nullable Visibility parse(@Nullable String value) {
            for (Visibility visibility : values()) {
                if (visibility.value().equals(value)) {
                    return visibility;
                }
            }
            return null;
        }
    }

    /** The user's chosen state; {@code invisible} shows the user offline, without last seen, to everyone else. */
    public enum Status {
        AVAILABLE,
        AWAY,
        BUSY,
        INVISIBLE;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static @Nullable Status parse(@Nullable String value) {
            for (Status status : values()) {
                if (status.value().equals(value)) {
                    return status;
                }
            }
            return null;
        }
    }
}
