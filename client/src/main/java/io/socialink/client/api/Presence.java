package io.socialink.client.api;

import org.jspecify.annotations.Nullable;

/**
 * A user's presence as the asking device may see it: {@code lastSeen} (epoch millis) only while offline and not
 * hidden; {@code status} null when hidden (an invisible user, as others see it).
 */
public record Presence(
        String userId,
        boolean online,
        @Nullable Long lastSeen,
        @Nullable String status,
        @Nullable String statusText) {}
