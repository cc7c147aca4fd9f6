package io.socialink.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.socialink.gateway.keys.DeviceRepository;
import io.socialink.gateway.keys.StoredCredential;
import io.socialink.gateway.problem.Problem;
import java.time.Duration;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Authenticates HTTP Basic {@code userId.deviceId:secret} against the device's stored salted hash, comparing in
 * constant time. The stored hash of a device is cached for a short while (never the presented secret nor the
 * outcome of a check), so every request still proves the secret while hot paths skip the database. A removed device's
 * hash is forgotten on every node as soon as it is removed ({@code DeviceChanges}); the cache's 30 s bound covers a
 * removal whose message was lost. The cache holds at most 100,000 devices and drops each entry once it is 30 s old,
 * so a node's memory for it follows the devices active in the last 30 s, not every device it has seen.
 */
@Component
public class DeviceAuthenticationManager implements ReactiveAuthenticationManager {

    private static final Duration CACHE_FOR = Duration.ofSeconds(30);
    private static final int CACHE_MAX_ENTRIES = 100_000;

    private final DeviceRepository devices;
    private final Cache<DeviceAddress, StoredCredential> cache = Caffeine.newBuilder()
            .expireAfterWrite(CACHE_FOR)
            .maximumSize(CACHE_MAX_ENTRIES)
            .build();

    public DeviceAuthenticationManager(DeviceRepository devices) {
        this.devices = devices;
    }

    @Override
    public Mono<Authentication> authenticate(Authentication authentication) {
        if (!(authentication instanceof UsernamePasswordAuthenticationToken)
                || !(authentication.getCredentials() instanceof String secret)) {
            return Mono.empty();
        }
        DeviceAddress device;
        try {
            device = DeviceAddress.parse(authentication.getName());
        } catch (IllegalArgumentException e) {
            return Mono.error(new BadCredentialsException("user name must be userId.deviceId"));
        }
        return credential(device)
                .filter(stored -> DeviceSecrets.matches(secret, stored.salt(), stored.hash()))
                .<Authentication>map(stored -> new DeviceAuthentication(device))
                .switchIfEmpty(Mono.error(() -> new BadCredentialsException("bad device credentials")))
                .onErrorMap(error -> !(error instanceof AuthenticationException), error -> Problem.unavailable(
                                "device directory unavailable, retry")
                        .toException());
    }

    /** Forgets the cached hash of {@code device}, so its next request is checked against the database. */
    public void evict(DeviceAddress device) {
        cache.invalidate(device);
    }

    /** Forgets every cached hash (device removals may have been missed). */
    public void evictAll() {
        cache.invalidateAll();
    }

    private Mono<StoredCredential> credential(DeviceAddress device) {
        StoredCredential cached = cache.getIfPresent(device);
        if (cached != null) {
            return Mono.just(cached);
        }
        return devices.credential(device.userId(), device.deviceId())
                .doOnNext(credential -> cache.put(device, credential));
    }
}
