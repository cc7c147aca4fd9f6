package io.socialink.client.api;

import java.util.List;

/** Part of a 409 {@code device-mismatch}: devices of {@code userId} the send missed or named wrongly. */
public record DeviceMismatch(String userId, List<Integer> missingDevices, List<Integer> extraDevices) {

    public DeviceMismatch {
        missingDevices = List.copyOf(missingDevices);
        extraDevices = List.copyOf(extraDevices);
    }
}
