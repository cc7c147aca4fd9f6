package io.socialink.client.api;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One active device of a user as the device directory lists it; {@code createdAt} may be null if not given. */
public record DeviceInfo(
        int deviceId, int registrationId, @Nullable Instant createdAt) {}
