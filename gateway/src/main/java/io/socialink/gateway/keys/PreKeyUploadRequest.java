package io.socialink.gateway.keys;

import java.util.List;

/** Body of {@code POST /api/v1/keys/prekeys/{userId}/{deviceId}}: more one-time prekeys, at most 100 of each. */
public record PreKeyUploadRequest(List<PreKeyBody> preKeys, List<SignedPreKeyBody> pqPreKeys) {}
