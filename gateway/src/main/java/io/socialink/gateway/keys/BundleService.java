package io.socialink.gateway.keys;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.ratelimit.RateLimitProperties;
import io.socialink.gateway.ratelimit.RateLimiter;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Hands out prekey bundles. Each fetch is rate-limited per requester device and target user (anti-drain: one device
 * cannot exhaust another user's one-time prekeys), then claims at most one one-time EC and one one-time Kyber prekey
 * per device; a device left low gets a {@code low-prekeys} event.
 */
@Service
public class BundleService {

    public static final String BUCKET = "bundles";

    private final PreKeyRepository preKeys;
    private final RateLimiter rateLimiter;
    private final RateLimitProperties.Limit limit;
    private final LowPreKeyEvents lowPreKeys;

    public BundleService(
            PreKeyRepository preKeys, RateLimiter rateLimiter, RateLimitProperties limits, LowPreKeyEvents lowPreKeys) {
        this.preKeys = preKeys;
        this.rateLimiter = rateLimiter;
        this.limit = limits.bundles();
        this.lowPreKeys = lowPreKeys;
    }

    /**
     * The bundle of every active device of {@code userId}, or of device {@code deviceId} only when it is positive;
     * 404 {@code unknown-user} / {@code unknown-device} when there is none.
     */
    public Mono<PreKeyBundle> fetch(DeviceAddress requester, String userId, int deviceId) {
        return rateLimiter
                .acquire(BUCKET, requester + ">" + userId, limit, "prekey bundle fetches for " + userId)
                .thenMany(preKeys.bundleDevices(userId, deviceId))
                .concatMap(device -> {
                    DeviceAddress address = new DeviceAddress(userId, device.deviceId());
                    return preKeys.claim(address)
                            .doOnNext(claim -> lowPreKeys.afterClaim(address, claim))
                            .map(claim -> PreKeyBundle.of(device, claim));
                })
                .collectList()
                .flatMap(devices -> {
                    if (!devices.isEmpty()) {
                        return Mono.just(new PreKeyBundle(userId, devices));
                    }
                    return Mono.error(
                            deviceId > 0
                                    ? Problem.of(
                                                    HttpStatus.NOT_FOUND,
                                                    "unknown-device",
                                                    "user " + userId + " has no active device " + deviceId)
                                            .toException()
                                    : Problem.unknownUser(userId).toException());
                });
    }
}
