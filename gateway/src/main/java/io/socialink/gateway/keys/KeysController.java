package io.socialink.gateway.keys;

import java.util.List;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The device directory: registration (platform JWT, checked by security) and listing a user's active devices
 * (any authenticated device may list any user's devices: senders need the recipient's device list).
 */
@RestController
@RequestMapping(path = "/api/v1/keys", produces = MediaType.APPLICATION_JSON_VALUE)
public class KeysController {

    private final DeviceRegistration registration;
    private final DeviceRepository repository;
    private final RegistrationRateLimiter rateLimiter;

    public KeysController(DeviceRegistration registration, DeviceRepository repository,
                          RegistrationRateLimiter rateLimiter) {
        this.registration = registration;
        this.repository = repository;
        this.rateLimiter = rateLimiter;
    }

    /** {@code 201 {"userId", "deviceId", "deviceSecret"}}. */
    public record RegistrationResponse(String userId, int deviceId, String deviceSecret) {

        @Override
        public String toString() {
            return "RegistrationResponse[" + userId + "." + deviceId + "]";
        }
    }

    /** {@code 200 {"userId", "devices": [{"deviceId", "registrationId", "createdAt"}]}}, createdAt in epoch millis. */
    public record DevicesResponse(String userId, List<DeviceView> devices) {
    }

    public record DeviceView(int deviceId, int registrationId, long createdAt) {
    }

    @PostMapping(path = "/register/{userId}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<RegistrationResponse> register(@PathVariable String userId,
                                               @RequestBody RegistrationRequest request) {
        RegistrationValidator.ValidRegistration valid = RegistrationValidator.validate(userId, request);
        return rateLimiter.acquire(userId)
                .then(Mono.defer(() -> registration.register(valid)))
                .map(device -> new RegistrationResponse(device.userId(), device.deviceId(), device.deviceSecret()));
    }

    @GetMapping("/devices/{userId}")
    public Mono<DevicesResponse> devices(@PathVariable String userId) {
        if (!DeviceAddress.isValidUserId(userId)) {
            return Mono.error(Problem.badRequest("userId must match [A-Za-z0-9_-]{1,64}").toException());
        }
        return repository.activeDevices(userId)
                .map(device -> new DeviceView(device.deviceId(), device.registrationId(),
                        device.createdAt().toEpochMilli()))
                .collectList()
                .flatMap(devices -> devices.isEmpty()
                        ? Mono.error(Problem.unknownUser(userId).toException())
                        : Mono.just(new DevicesResponse(userId, devices)));
    }
}
