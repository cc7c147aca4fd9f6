package io.socialink.client.api;

import java.util.List;

/** The answer to an accepted Add commit: the group's new epoch and the devices that were added. */
public record GroupMembersAdded(long epoch, List<DeviceRef> added) {

    public GroupMembersAdded {
        added = List.copyOf(added);
    }
}
