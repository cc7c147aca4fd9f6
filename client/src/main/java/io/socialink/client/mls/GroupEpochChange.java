package io.socialink.client.mls;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A Commit of another device that this device applied: the group's new epoch, the committing device and the device
 * addresses ({@code userId.deviceId}) it added and removed.
 */
public record GroupEpochChange(
        String groupId, long epoch, @Nullable String committer, List<String> added, List<String> removed) {

    public GroupEpochChange {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
    }
}
