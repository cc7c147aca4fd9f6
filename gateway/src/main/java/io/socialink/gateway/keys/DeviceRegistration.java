package io.socialink.gateway.keys;

import io.socialink.gateway.auth.DeviceSecrets;
import io.socialink.gateway.config.GatewayProperties;
import io.socialink.gateway.problem.Problem;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Registers a device: issues its secret, stores the hash under the next device id, enforces the device limit. */
@Service
public class DeviceRegistration {

    private final DeviceRepository repository;
    private final DeviceDirectory directory;
    private final int maxDevices;

    /** The registered device and the secret it authenticates with from now on; shown to the client only once. */
    public record Registered(String userId, int deviceId, String deviceSecret) {

        @Override
        public String toString() {
            return "Registered[" + userId + "." + deviceId + "]";
        }
    }

    public DeviceRegistration(DeviceRepository repository, DeviceDirectory directory, GatewayProperties properties) {
        this.repository = repository;
        this.directory = directory;
        this.maxDevices = properties.maxDevices();
    }

    public Mono<Registered> register(RegistrationValidator.ValidRegistration registration) {
        DeviceSecrets.Issued secret = DeviceSecrets.issue();
        NewDevice device = new NewDevice(registration.userId(), registration.registrationId(),
                registration.identityKey(), secret.hash(), secret.salt());
        return repository.insert(device, maxDevices)
                .switchIfEmpty(Mono.error(() -> Problem.of(HttpStatus.CONFLICT, "too-many-devices",
                        "user already has " + maxDevices + " active devices").toException()))
                .doOnNext(stored -> directory.evict(stored.userId()))
                .map(stored -> new Registered(stored.userId(), stored.deviceId(), secret.secret()));
    }
}
