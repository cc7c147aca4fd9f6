package io.socialink.client.api;

import java.util.List;

/** A user's active devices, in the order the gateway listed them. */
public record DeviceList(String userId, List<DeviceInfo> devices) {

    public DeviceList {
        devices = List.copyOf(devices);
    }
}
