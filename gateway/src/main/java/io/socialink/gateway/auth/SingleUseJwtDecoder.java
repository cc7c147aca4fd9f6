package io.socialink.gateway.auth;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Decodes and validates a platform token with the delegate, then accepts a token carrying a {@code jti} only the
 * first time it is presented: the first request authenticated with it consumes it, whatever that request's outcome.
 * A replay is a {@link BadJwtException}, so it is answered like any invalid token (401).
 */
public final class SingleUseJwtDecoder implements ReactiveJwtDecoder {

    private final ReactiveJwtDecoder delegate;
    private final SingleUseTokens used;

    public SingleUseJwtDecoder(ReactiveJwtDecoder delegate, SingleUseTokens used) {
        this.delegate = delegate;
        this.used = used;
    }

    @Override
    public Mono<Jwt> decode(String token) {
        return delegate.decode(token).flatMap(jwt -> {
            String jti = jwt.getId();
            if (jti == null || jti.isBlank() || jwt.getExpiresAt() == null) {
                return Mono.just(jwt);
            }
            return used.firstUse(jti, jwt.getExpiresAt())
                    .flatMap(first -> first
                            ? Mono.just(jwt)
                            : Mono.error(new BadJwtException("the platform token was used already")));
        });
    }
}
