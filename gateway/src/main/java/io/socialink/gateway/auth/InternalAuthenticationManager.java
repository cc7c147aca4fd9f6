package io.socialink.gateway.auth;

import io.socialink.gateway.config.InternalProperties;
import io.socialink.gateway.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import reactor.core.publisher.Mono;

/**
 * Authenticates callers of the internal endpoints (actuator details, metrics) by the shared internal credential:
 * HTTP Basic with user {@value InternalProperties#USER} and {@code SOCIALINK_INTERNAL_SECRET}, compared in constant
 * time. Not a bean, so the device authentication stays the one {@link ReactiveAuthenticationManager} in the context.
 */
public final class InternalAuthenticationManager implements ReactiveAuthenticationManager {

    public static final String ROLE = "ROLE_INTERNAL";

    private final byte[] user = InternalProperties.USER.getBytes(StandardCharsets.UTF_8);
    private final byte[] secret;

    public InternalAuthenticationManager(Secret secret) {
        this.secret = secret.utf8();
    }

    @Override
    public Mono<Authentication> authenticate(Authentication authentication) {
        byte[] name = String.valueOf(authentication.getName()).getBytes(StandardCharsets.UTF_8);
        byte[] password = String.valueOf(authentication.getCredentials()).getBytes(StandardCharsets.UTF_8);
        boolean userMatches = MessageDigest.isEqual(name, user);
        boolean secretMatches = MessageDigest.isEqual(password, secret);
        if (!(userMatches & secretMatches)) {
            return Mono.error(new BadCredentialsException("bad internal credentials"));
        }
        return Mono.just(UsernamePasswordAuthenticationToken.authenticated(
                InternalProperties.USER, null, List.of(new SimpleGrantedAuthority(ROLE))));
    }
}
