package io.socialink.gateway.keys;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.auth.DeviceSecrets;
import io.socialink.gateway.config.GatewayProperties;
import io.socialink.gateway.problem.Problem;
import java.time.Duration;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Registers a device: issues its secret, stores the hash under the next device id together with all its keys in one
 * transaction (all or nothing), enforces the device limit. A registration that lost the race for a device id to a
 * concurrent one of the same user is retried as a whole with a fresh view.
 */
@Service
public class DeviceRegistration {

    private static final int INSERT_ATTEMPTS = 8;

    private final DeviceRepository repository;
    private final PreKeyRepository preKeys;
    private final DeviceChanges changes;
    private final TransactionalOperator transactions;
    private final int maxDevices;

    /** The registered device and the secret it authenticates with from now on; shown to the client only once. */
    public record Registered(String userId, int deviceId, String deviceSecret) {

        @Override
        public String toString() {
            return "Registered[" + userId + "." + deviceId + "]";
        }
    }

    public DeviceRegistration(
            DeviceRepository repository,
            PreKeyRepository preKeys,
            DeviceChanges changes,
            TransactionalOperator transactions,
            GatewayProperties properties) {
        this.repository = repository;
        this.preKeys = preKeys;
        this.changes = changes;
        this.transactions = transactions;
        this.maxDevices = properties.maxDevices();
    }

    public Mono<Registered> register(RegistrationValidator.ValidRegistration registration) {
        DeviceSecrets.Issued secret = DeviceSecrets.issue();
        NewDevice device = new NewDevice(
                registration.userId(),
                registration.registrationId(),
                registration.identityKey(),
                secret.hash(),
                secret.salt());
        return Mono.defer(() -> repository
                        .insert(device, maxDevices)
                        .flatMap(stored -> preKeys.insertRegistration(
                                        new DeviceAddress(stored.userId(), stored.deviceId()), registration)
                                .thenReturn(stored))
                        .as(transactions::transactional))
                .retryWhen(Retry.backoff(INSERT_ATTEMPTS, Duration.ofMillis(2))
                        .maxBackoff(Duration.ofMillis(50))
                        .filter(DuplicateKeyException.class::isInstance))
                .switchIfEmpty(Mono.error(() -> Problem.of(
                                HttpStatus.CONFLICT,
                                "too-many-devices",
                                "user already has " + maxDevices + " active devices")
                        .toException()))
                .flatMap(stored -> changes.registered(stored.userId()).thenReturn(stored))
                .map(stored -> new Registered(stored.userId(), stored.deviceId(), secret.secret()));
    }
}
