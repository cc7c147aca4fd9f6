package io.socialink.gateway.keys;

/** Body of {@code POST /api/v1/keys/register/{userId}}; validated by {@link RegistrationValidator}. */
public record RegistrationRequest(Integer registrationId, String identityKey) {
}
