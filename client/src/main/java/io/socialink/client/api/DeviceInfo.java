package io.socialink.client.api;

import java.time.Instant;

/** One active device of a user as the device directory lists it; {@code createdAt} may be null if not given. */
public record DeviceInfo(int deviceId, int registrationId, Instant createdAt) {}
