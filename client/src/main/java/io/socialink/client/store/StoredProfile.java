package io.socialink.client.store;

import io.socialink.client.auth.DeviceCredentials;
import java.net.URI;
import java.util.Objects;

/** A registered device kept on disk under a profile name: its credentials, identity key and server. */
public record StoredProfile(String profile, DeviceCredentials credentials, byte[] identityKey, URI server) {

    public StoredProfile {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(identityKey, "identityKey");
        Objects.requireNonNull(server, "server");
    }

    @Override
    public String toString() {
        return "StoredProfile[" + profile + ", " + credentials + ", " + server + "]";
    }
}
