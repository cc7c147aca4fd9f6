package io.socialink.client.api;

import java.util.List;

/** One member user of a group, from the gateway's projection, with the leaf index of each of its devices. */
public record GroupMember(String userId, boolean admin, List<Device> devices) {

    public GroupMember {
        devices = List.copyOf(devices);
    }

    /** A member device and its MLS leaf. */
    public record Device(int deviceId, int leafIndex) {}
}
