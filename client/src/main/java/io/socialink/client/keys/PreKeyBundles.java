package io.socialink.client.keys;

import java.util.List;

/** The answer of {@code GET /api/v1/keys/bundle/{userId}}: one bundle per active device (or the one asked for). */
public record PreKeyBundles(String userId, List<DeviceBundle> devices) {

    public PreKeyBundles {
        devices = List.copyOf(devices);
    }
}
