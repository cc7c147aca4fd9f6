package io.socialink.client.api;

import java.util.List;

/** Part of a 410 {@code stale-devices}: devices of {@code userId} whose registration id changed. */
public record StaleDevices(String userId, List<Integer> staleDevices) {

    public StaleDevices {
        staleDevices = List.copyOf(staleDevices);
    }
}
