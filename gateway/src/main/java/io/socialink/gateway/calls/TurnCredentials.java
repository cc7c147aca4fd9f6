package io.socialink.gateway.calls;

import io.socialink.gateway.config.Secret;
import io.socialink.gateway.problem.Problem;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.http.HttpStatus;

/**
 * Time-limited TURN credentials in the coturn REST API form ({@code use-auth-secret}, the secret shared with coturn's
 * {@code static-auth-secret}): {@code username} = {@code <expiry epoch seconds>:<userId>}, {@code password} =
 * base64(HMAC-SHA1(secret, username)). The TURN server recomputes the password from the username alone, so nothing
 * is stored and nothing needs revoking: a credential lapses at its expiry. Without a secret or servers configured
 * there is no TURN: 503 {@code turn-unavailable} (clients may still try direct and STUN candidates).
 */
public final class TurnCredentials {

    private static final String HMAC = "HmacSHA1";

    private final Secret secret;
    private final List<String> uris;
    private final Duration ttl;
    private final Clock clock;

    public TurnCredentials(CallProperties.Turn turn, Clock clock) {
        this.secret = turn.secret();
        this.uris = List.copyOf(turn.uris());
        this.ttl = turn.ttl();
        this.clock = clock;
    }

    /** Whether credentials can be handed out (a secret and at least one server). */
    public boolean available() {
        return !secret.isEmpty() && !uris.isEmpty();
    }

    /** {@code {"username", "password", "ttlSeconds", "uris"}} for {@code userId}, valid for the configured TTL. */
    public Map<String, Object> issue(String userId) {
        if (!available()) {
            throw Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "turn-unavailable", "no TURN server is configured")
                    .toException();
        }
        long expiry = clock.instant().plus(ttl).getEpochSecond();
        String username = expiry + ":" + userId;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", username);
        body.put("password", password(secret.utf8(), username));
        body.put("ttlSeconds", ttl.toSeconds());
        body.put("uris", uris);
        return body;
    }

    /** base64(HMAC-SHA1(secret, username)): what coturn computes for a {@code use-auth-secret} username. */
    static String password(byte[] secret, String username) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret, HMAC));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }
}
