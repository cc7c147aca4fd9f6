package io.socialink.client.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.UUID;

/**
 * Mints platform JWTs locally, standing in for the platform's identity provider in development, tests and the
 * load generator: HS256 over the shared {@code PLATFORM_JWT_SECRET}, {@code sub} = userId, a short expiry
 * ({@code exp}, within the gateway's 1 h maximum lifetime) and a random {@code jti} per token, since the gateway
 * accepts each {@code jti} once. The default secret is the gateway's development default, so a local client and a
 * gateway under the {@code local} profile agree without configuration.
 */
public final class PlatformTokens {

    /** The development secret the gateway uses when {@code PLATFORM_JWT_SECRET} is unset. */
    public static final String DEFAULT_SECRET = "socialink-local-platform-secret-0123456789abcdef";

    public static final String SECRET_ENV = "PLATFORM_JWT_SECRET";
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

    private final MACSigner signer;
    private final Duration ttl;
    private final Clock clock;

    public PlatformTokens(String secret, Duration ttl, Clock clock) {
        Objects.requireNonNull(secret, "secret");
        try {
            this.signer = new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("HS256 needs a secret of at least 32 bytes", e);
        }
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public PlatformTokens(String secret) {
        this(secret, DEFAULT_TTL, Clock.systemUTC());
    }

    /** Uses {@code PLATFORM_JWT_SECRET} when set and non-blank, the development default otherwise. */
    public static PlatformTokens fromEnvironment() {
        String secret = System.getenv(SECRET_ENV);
        return new PlatformTokens(secret == null || secret.isBlank() ? DEFAULT_SECRET : secret);
    }

    /** A signed compact JWT asserting {@code userId}, valid from now for the configured time to live. */
    public String mint(String userId) {
        Objects.requireNonNull(userId, "userId");
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(userId)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a platform token", e);
        }
        return jwt.serialize();
    }
}
