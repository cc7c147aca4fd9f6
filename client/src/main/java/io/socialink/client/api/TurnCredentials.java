package io.socialink.client.api;

import java.util.List;

/**
 * Short-lived TURN credentials in the coturn REST API form: {@code username} is {@code <expiry epoch seconds>:<userId>},
 * {@code password} the base64 HMAC of it, valid for {@code ttlSeconds} on the servers {@code uris}.
 */
public record TurnCredentials(String username, String password, long ttlSeconds, List<String> uris) {

    public TurnCredentials {
        uris = List.copyOf(uris);
    }

    @Override
    public String toString() {
        // the password stays out of logs
        return "TurnCredentials[" + username + ", ttl " + ttlSeconds + " s, " + uris + "]";
    }
}
