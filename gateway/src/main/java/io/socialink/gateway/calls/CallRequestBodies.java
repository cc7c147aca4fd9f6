package io.socialink.gateway.calls;

import java.util.List;

/**
 * The JSON bodies of the call endpoints (docs/architecture.md, "Calls"), bound strictly like every request body
 * (unknown fields and scalars of another JSON type are 400); binary fields are base64 (standard alphabet). Any
 * component may be absent (null) in the JSON: {@link CallRequestValidator} checks them.
 */
public final class CallRequestBodies {

    private CallRequestBodies() {}

    /** {@code POST /api/v1/calls/initiate/{callerId}}. */
    public record Initiate(String calleeUserId, String media, List<Offer> offers) {}

    /** One callee device's offer, encrypted for it with the caller's Signal session. */
    public record Offer(Integer deviceId, Integer registrationId, Integer type, String content) {}

    /** {@code PUT /api/v1/calls/{callId}/answer/{userId}}. */
    public record Answer(Payload answer) {}

    /** Client ciphertext for the call's other device (an answer, an ICE candidate). */
    public record Payload(Integer type, String content) {}

    /** {@code POST /api/v1/calls/{callId}/ice/{userId}}. */
    public record Ice(List<Payload> candidates) {}
}
