package io.socialink.gateway.keys;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.ratelimit.RateLimitProperties;
import io.socialink.gateway.ratelimit.RateLimiter;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The key directory (docs/architecture.md, "Key directory"). Registration takes the platform JWT; everything else a
 * device's credentials. Security has checked the path ids: rotate and prekey uploads must be the authenticated
 * device's own, deactivate and stats any device of the authenticated user; any device may list another user's
 * devices and fetch their bundles (senders need them).
 */
@RestController
@RequestMapping(path = "/api/v1/keys", produces = MediaType.APPLICATION_JSON_VALUE)
public class KeysController {

    public static final String REGISTRATION_BUCKET = "register";

    private final DeviceRegistration registration;
    private final DeviceRepository repository;
    private final BundleService bundles;
    private final PreKeyService preKeys;
    private final DeviceDeactivation deactivation;
    private final RateLimiter rateLimiter;
    private final RateLimitProperties.Limit registrationLimit;

    public KeysController(
            DeviceRegistration registration,
            DeviceRepository repository,
            BundleService bundles,
            PreKeyService preKeys,
            DeviceDeactivation deactivation,
            RateLimiter rateLimiter,
            RateLimitProperties limits) {
        this.registration = registration;
        this.repository = repository;
        this.bundles = bundles;
        this.preKeys = preKeys;
        this.deactivation = deactivation;
        this.rateLimiter = rateLimiter;
        this.registrationLimit = limits.registrations();
    }

    /** {@code 201 {"userId", "deviceId", "deviceSecret"}}. */
    public record RegistrationResponse(String userId, int deviceId, String deviceSecret) {

        @Override
        public String toString() {
            return "RegistrationResponse[" + userId + "." + deviceId + "]";
        }
    }

    /** {@code 200 {"userId", "devices": [{"deviceId", "registrationId", "createdAt"}]}}, createdAt in epoch millis. */
    public record DevicesResponse(String userId, List<DeviceView> devices) {}

    public record DeviceView(int deviceId, int registrationId, long createdAt) {}

    @PostMapping(path = "/register/{userId}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<RegistrationResponse> register(@PathVariable String userId, @RequestBody RegistrationRequest request) {
        RegistrationValidator.ValidRegistration valid = RegistrationValidator.validate(userId, request);
        return rateLimiter
                .acquire(REGISTRATION_BUCKET, userId, registrationLimit, "registrations")
                .then(Mono.defer(() -> registration.register(valid)))
                .map(device -> new RegistrationResponse(device.userId(), device.deviceId(), device.deviceSecret()));
    }

    @GetMapping("/devices/{userId}")
    public Mono<DevicesResponse> devices(@PathVariable String userId) {
        requireUserId(userId);
        return repository
                .activeDevices(userId)
                .map(device -> new DeviceView(
                        device.deviceId(),
                        device.registrationId(),
                        device.createdAt().toEpochMilli()))
                .collectList()
                .flatMap(devices -> devices.isEmpty()
                        ? Mono.error(Problem.unknownUser(userId).toException())
                        : Mono.just(new DevicesResponse(userId, devices)));
    }

    @GetMapping("/bundle/{userId}")
    public Mono<PreKeyBundle> bundle(
            @PathVariable String userId,
            @RequestParam(name = "deviceId", required = false) String deviceId,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress requester) {
        requireUserId(userId);
        int device = 0;
        if (deviceId != null) {
            device = DeviceAddress.parseDeviceIdOrNegative(deviceId);
            if (device < 1) {
                throw Problem.badRequest("deviceId must be a positive integer").toException();
            }
        }
        return bundles.fetch(requester, userId, device);
    }

    @PutMapping(path = "/rotate/{userId}/{deviceId}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public Mono<Void> rotate(
            @PathVariable String userId, @PathVariable String deviceId, @RequestBody RotationRequest request) {
        return preKeys.rotate(address(userId, deviceId), request);
    }

    @PostMapping(path = "/prekeys/{userId}/{deviceId}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<PreKeyStats> uploadPreKeys(
            @PathVariable String userId, @PathVariable String deviceId, @RequestBody PreKeyUploadRequest request) {
        return preKeys.upload(address(userId, deviceId), request);
    }

    @DeleteMapping("/deactivate/{userId}/{deviceId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public Mono<Void> deactivate(@PathVariable String userId, @PathVariable String deviceId) {
        return deactivation.deactivate(address(userId, deviceId));
    }

    @GetMapping("/stats/{userId}/{deviceId}")
    public Mono<PreKeyStats> stats(@PathVariable String userId, @PathVariable String deviceId) {
        return preKeys.stats(address(userId, deviceId));
    }

    private static void requireUserId(String userId) {
        if (!DeviceAddress.isValidUserId(userId)) {
            throw Problem.badRequest("userId must match [A-Za-z0-9_-]{1,64}").toException();
        }
    }

    private static DeviceAddress address(String userId, String deviceId) {
        requireUserId(userId);
        int device = DeviceAddress.parseDeviceIdOrNegative(deviceId);
        if (device < 1) {
            throw Problem.badRequest("deviceId must be a positive integer").toException();
        }
        return new DeviceAddress(userId, device);
    }
}
