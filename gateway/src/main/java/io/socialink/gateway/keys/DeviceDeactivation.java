package io.socialink.gateway.keys;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.config.GatewayProperties;
import io.socialink.gateway.kafka.EventPublisher;
import io.socialink.gateway.keypackages.KeyPackageRepository;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import io.socialink.gateway.websocket.LiveSocket;
import io.socialink.gateway.websocket.SocketRegistry;
import io.socialink.schemas.avro.ConnectionEvent;
import io.socialink.schemas.avro.ConnectionEventType;
import io.socialink.schemas.topics.Topics;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Deactivates a device: in one transaction it leaves the device list, its keys are deleted and
 * {@code DEVICE_REMOVED} is produced to {@code device.connections} (the delivery-worker then drops its queue and
 * sends a CLOSE with reason DEVICE_REMOVED to whichever node holds its socket); the transaction commits only after
 * Kafka acknowledged the event, so a failure leaves the device as it was. Then every node forgets the device's cached
 * credentials and its user's device list ({@link DeviceChanges}) and this node closes its local socket. The worker's
 * CLOSE and this node's own close may reach the socket in either order: both close with 4410.
 */
@Service
public class DeviceDeactivation {

    private final DeviceRepository devices;
    private final PreKeyRepository preKeys;
    private final KeyPackageRepository keyPackages;
    private final EventPublisher publisher;
    private final TransactionalOperator transactions;
    private final DeviceChanges changes;
    private final SocketRegistry sockets;
    private final int nodeId;

    public DeviceDeactivation(
            DeviceRepository devices,
            PreKeyRepository preKeys,
            KeyPackageRepository keyPackages,
            EventPublisher publisher,
            TransactionalOperator transactions,
            DeviceChanges changes,
            SocketRegistry sockets,
            GatewayProperties properties) {
        this.devices = devices;
        this.preKeys = preKeys;
        this.keyPackages = keyPackages;
        this.publisher = publisher;
        this.transactions = transactions;
        this.changes = changes;
        this.sockets = sockets;
        this.nodeId = properties.nodeId();
    }

    /** Deactivates {@code device}; 404 {@code unknown-device} when it is not active. */
    public Mono<Void> deactivate(DeviceAddress device) {
        ConnectionEvent removed = ConnectionEvent.newBuilder()
                .setType(ConnectionEventType.DEVICE_REMOVED)
                .setGatewayNode(nodeId)
                .setConnectionId(UUID.randomUUID().toString())
                .setAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                .build();
        Mono<Void> remove = preKeys.lockActiveDevice(device)
                .switchIfEmpty(Mono.error(() -> PreKeyService.unknownDevice(device)))
                .then(devices.markRemoved(device.userId(), device.deviceId()))
                .then(preKeys.deleteAll(device))
                .then(keyPackages.deleteAll(device))
                .then(publisher
                        .publish(Topics.DEVICE_CONNECTIONS, device.toString(), removed)
                        .onErrorMap(error -> !(error instanceof ProblemException), error -> Problem.unavailable(
                                        "the device could not be removed, retry")
                                .toException()));
        return Mono.defer(() -> remove.as(transactions::transactional))
                .then(Mono.defer(() -> changes.removed(device)))
                .doOnSuccess(done -> sockets.close(device.toString(), LiveSocket.REMOVED));
    }
}
