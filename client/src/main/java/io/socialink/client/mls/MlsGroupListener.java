package io.socialink.client.mls;

import io.socialink.client.socket.CloseStatus;
import io.socialink.client.socket.DeviceEvent;
import io.socialink.client.socket.Envelope;
import io.socialink.client.socket.ReconnectListener;
import java.util.List;

/**
 * Receives what {@link MlsGroups} made of group envelopes and events. Calls come on the thread that handed the
 * envelope over (a socket's listener thread, one at a time, in frame order), except {@link #onError} reports of
 * background work (KeyPackage refills, commits of pending removals), which come from the groups' background thread.
 * Implementations must not block for long. Calls are made without any group lock held, so a listener may query
 * {@link MlsGroups} ({@code epoch}, {@code members}); it must not run Commits ({@code add}, {@code remove},
 * {@code update}) on the socket's thread, since a stale Commit waits for Commits that arrive on that very thread.
 */
@FunctionalInterface
public interface MlsGroupListener extends ReconnectListener {

    /** Why this device is no longer in a group. */
    enum Departure {
        /** Another member committed this device's removal. */
        REMOVED,
        /** This device's user left (from this device or from another of its devices). */
        LEFT
    }

    /** A decrypted application message. */
    void onMessage(GroupMessage message);

    /** This device joined a group from a Welcome. */
    default void onJoined(String groupId, long epoch) {}

    /** This device applied another device's Commit. */
    default void onEpoch(GroupEpochChange change) {}

    /** This device is out of the group; its state is dropped. */
    default void onRemoved(String groupId, Departure departure) {}

    /** A member user left; its leaves are pending removals until some member commits them. */
    default void onMemberLeft(String groupId, String userId, List<Integer> leaves) {}

    /** A group envelope that could not be used (acked anyway: a retry would fail the same way). */
    default void onUndecryptable(Envelope envelope, MlsException error) {}

    /** A device event that is not a group event (only through {@link MlsGroups#socketListener}). */
    default void onEvent(DeviceEvent event) {}

    default void onQueueEmpty() {}

    default void onError(Throwable error) {}

    default void onClose(CloseStatus status) {}
}
