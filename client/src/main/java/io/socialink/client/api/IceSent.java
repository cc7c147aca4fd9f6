package io.socialink.client.api;

import java.util.UUID;

/** The sequence numbers the call-signaling service gave a batch of ICE candidates, {@code first..last}. */
public record IceSent(UUID callId, long first, long last) {}
