package io.socialink.gateway.keys;

import java.time.Instant;

/** An active device as the directory lists it. */
public record Device(String userId, int deviceId, int registrationId, Instant createdAt) {}
