package io.socialink.gateway.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.presence.PresenceSettings.Status;
import io.socialink.gateway.presence.PresenceSettings.Visibility;
import org.junit.jupiter.api.Test;

/** Who sees what of a user's presence ({@link PresenceView#of}). */
class PresenceViewTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final Double ONLINE = (double) NOW + 60_000;
    private static final Double EXPIRED = (double) NOW - 1;
    private static final Long SEEN = NOW - 3_600_000;

    private static final PresenceSettings EVERYONE = PresenceSettings.DEFAULTS;
    private static final PresenceSettings BUSY = new PresenceSettings(Visibility.EVERYONE, Status.BUSY, "meeting");
    private static final PresenceSettings INVISIBLE = new PresenceSettings(Visibility.EVERYONE, Status.INVISIBLE, "x");
    private static final PresenceSettings NOBODY = new PresenceSettings(Visibility.NOBODY, Status.AWAY, "later");

    @Test
    void shouldShowOnlineWhileTheScoreLiesAheadAndLastSeenOnlyWhenOffline() {
        assertThat(PresenceView.of("bob", EVERYONE, "alice", BUSY, ONLINE, SEEN, NOW))
                .isEqualTo(new PresenceView("alice", true, null, "busy", "meeting"));
        assertThat(PresenceView.of("bob", EVERYONE, "alice", BUSY, EXPIRED, SEEN, NOW))
                .isEqualTo(new PresenceView("alice", false, SEEN, "busy", "meeting"));
        assertThat(PresenceView.of("bob", EVERYONE, "alice", EVERYONE, null, null, NOW))
                .isEqualTo(new PresenceView("alice", false, null, "available", null));
    }

    @Test
    void shouldShowAnInvisibleUserOfflineWithoutLastSeenOrStatusToOthersButNotToItself() {
        assertThat(PresenceView.of("bob", EVERYONE, "alice", INVISIBLE, ONLINE, SEEN, NOW))
                .isEqualTo(new PresenceView("alice", false, null, null, null));
        assertThat(PresenceView.of("alice", INVISIBLE, "alice", INVISIBLE, ONLINE, SEEN, NOW))
                .isEqualTo(new PresenceView("alice", true, null, "invisible", "x"));
    }

    @Test
    void shouldHideOnlineAndLastSeenOfAUserWhoShowsThemToNobody() {
        assertThat(PresenceView.of("bob", EVERYONE, "alice", NOBODY, ONLINE, SEEN, NOW))
                .isEqualTo(new PresenceView("alice", false, null, "away", "later"));
        assertThat(PresenceView.of("alice", NOBODY, "alice", NOBODY, EXPIRED, SEEN, NOW))
                .isEqualTo(new PresenceView("alice", false, SEEN, "away", "later"));
    }

    @Test
    void shouldShowAViewerWhoHidesItsOwnNoOneElsesLastSeenButStillTheirOnlineState() {
        assertThat(PresenceView.of("bob", NOBODY, "alice", EVERYONE, EXPIRED, SEEN, NOW))
                .isEqualTo(new PresenceView("alice", false, null, "available", null));
        assertThat(PresenceView.of("bob", NOBODY, "alice", EVERYONE, ONLINE, SEEN, NOW))
                .isEqualTo(new PresenceView("alice", true, null, "available", null));
    }
}
