package io.socialink.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Remembers the {@code jti} of every platform token used, in Redis and shared by all gateway nodes, until the token
 * expires (plus the clock skew): {@link #firstUse} is true for exactly one caller per {@code jti} (SET NX). Keys
 * hold a SHA-256 of the {@code jti}, so a long identifier costs no more than a short one. Redis errors propagate: a
 * token that cannot be checked is not accepted.
 */
@Component
public class SingleUseTokens {

    static final String KEY_PREFIX = "socialink:platform-jti:";

    private final ReactiveStringRedisTemplate redis;
    private final Clock clock;

    public SingleUseTokens(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
        this.clock = Clock.systemUTC();
    }

    /** True when no token with {@code jti} was used before; remembers it until {@code expiresAt}. */
    public Mono<Boolean> firstUse(String jti, Instant expiresAt) {
        Duration ttl = Duration.between(clock.instant(), expiresAt).plus(PlatformTokenRules.CLOCK_SKEW);
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            ttl = Duration.ofSeconds(1);
        }
        return redis.opsForValue()
                .setIfAbsent(KEY_PREFIX + sha256(jti), "1", ttl)
                .map(Boolean.TRUE::equals);
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
