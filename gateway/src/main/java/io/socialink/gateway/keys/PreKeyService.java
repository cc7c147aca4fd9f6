package io.socialink.gateway.keys;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import io.socialink.gateway.ratelimit.RateLimitProperties;
import io.socialink.gateway.ratelimit.RateLimiter;
import java.util.List;
import org.signal.libsignal.protocol.IdentityKey;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * A device's own key maintenance: uploading one-time prekeys (rate-limited per device, capped per request and in
 * store) and rotating its signed EC prekey and Kyber last resort (the previous one retired), plus its key stats.
 * Each change runs in one transaction holding the device's row lock, after the shape checks; signatures are checked
 * against the stored identity key. Nothing is stored when any check fails.
 */
@Service
public class PreKeyService {

    public static final String UPLOAD_BUCKET = "prekey-uploads";

    private final PreKeyRepository preKeys;
    private final TransactionalOperator transactions;
    private final RateLimiter rateLimiter;
    private final RateLimitProperties.Limit uploadLimit;
    private final int maxStored;

    public PreKeyService(
            PreKeyRepository preKeys,
            TransactionalOperator transactions,
            RateLimiter rateLimiter,
            RateLimitProperties limits,
            PreKeyProperties properties) {
        this.preKeys = preKeys;
        this.transactions = transactions;
        this.rateLimiter = rateLimiter;
        this.uploadLimit = limits.prekeyUploads();
        this.maxStored = properties.maxStored();
    }

    /** Stores more one-time prekeys of {@code device} and answers its stats. */
    public Mono<PreKeyStats> upload(DeviceAddress device, PreKeyUploadRequest request) {
        if (request == null) {
            return Mono.error(Problem.badRequest("request body is required").toException());
        }
        List<PreKey> ec = PreKeyRules.oneTimeList("preKeys", request.preKeys());
        List<PreKey> pq = PreKeyRules.signedList("pqPreKeys", request.pqPreKeys(), PreKeyRules.Kind.KYBER);
        if (ec.isEmpty() && pq.isEmpty()) {
            return Mono.error(
                    Problem.badRequest("preKeys or pqPreKeys must not be empty").toException());
        }
        List<Integer> pqIds = pq.stream().map(PreKey::keyId).toList();
        Mono<Void> store = lockedIdentity(device)
                .doOnNext(identity -> PreKeyRules.verifyAll("pqPreKeys", identity, pq))
                .then(preKeys.hasLastResortId(device, pqIds))
                .flatMap(clash -> clash
                        ? Mono.error(PreKeyRules.duplicate("pqPreKeys reuses the key id of a Kyber last-resort prekey"))
                        : preKeys.counts(device))
                .flatMap(counts -> {
                    if (counts.ecPreKeys() + ec.size() > maxStored || counts.pqPreKeys() + pq.size() > maxStored) {
                        return Mono.error(PreKeyRules.tooMany("a device may store at most " + maxStored
                                + " one-time prekeys of each kind; it has " + counts.ecPreKeys() + " EC and "
                                + counts.pqPreKeys() + " Kyber"));
                    }
                    return preKeys.insertOneTime(device, ec).then(preKeys.insertOneTimeKyber(device, pq));
                });
        return rateLimiter
                .acquire(UPLOAD_BUCKET, device.toString(), uploadLimit, "prekey uploads")
                .then(Mono.defer(() -> store.as(transactions::transactional)))
                .onErrorMap(
                        DuplicateKeyException.class,
                        error -> PreKeyRules.duplicate("a key id in this upload is already stored for the device"))
                .then(Mono.defer(() -> preKeys.stats(device)));
    }

    /** Replaces the device's signed EC prekey and/or Kyber last resort; the previous ones are retired. */
    public Mono<Void> rotate(DeviceAddress device, RotationRequest request) {
        if (request == null || (request.signedPreKey() == null && request.pqLastResortPreKey() == null)) {
            return Mono.error(Problem.badRequest("signedPreKey or pqLastResortPreKey is required")
                    .toException());
        }
        PreKey signed = request.signedPreKey() == null
                ? null
                : PreKeyRules.signed("signedPreKey", request.signedPreKey(), PreKeyRules.Kind.EC);
        PreKey lastResort = request.pqLastResortPreKey() == null
                ? null
                : PreKeyRules.signed("pqLastResortPreKey", request.pqLastResortPreKey(), PreKeyRules.Kind.KYBER);
        Mono<Void> rotateSigned =
                signed == null ? Mono.empty() : preKeys.rotate(PreKeyRepository.Table.SIGNED, device, signed);
        Mono<Void> rotateLastResort = lastResort == null
                ? Mono.empty()
                : preKeys.hasOneTimeKyberId(device, List.of(lastResort.keyId()))
                        .flatMap(clash -> clash
                                ? Mono.error(PreKeyRules.duplicate(
                                        "pqLastResortPreKey reuses the key id of a one-time Kyber" + " prekey"))
                                : preKeys.rotate(PreKeyRepository.Table.LAST_RESORT, device, lastResort));
        Mono<Void> store = lockedIdentity(device)
                .doOnNext(identity -> {
                    if (signed != null) {
                        PreKeyRules.verify("signedPreKey", identity, signed);
                    }
                    if (lastResort != null) {
                        PreKeyRules.verify("pqLastResortPreKey", identity, lastResort);
                    }
                })
                .then(rotateSigned)
                .then(rotateLastResort);
        return Mono.defer(() -> store.as(transactions::transactional))
                .onErrorMap(
                        DuplicateKeyException.class,
                        error -> PreKeyRules.duplicate("the device holds a key with this key id already"));
    }

    /** The device's one-time prekeys left and key ages; 404 {@code unknown-device} when it is not active. */
    public Mono<PreKeyStats> stats(DeviceAddress device) {
        return preKeys.isActive(device)
                .flatMap(active -> active ? preKeys.stats(device) : Mono.error(unknownDevice(device)));
    }

    /** Locks the device's row for the transaction and answers its identity key. */
    private Mono<IdentityKey> lockedIdentity(DeviceAddress device) {
        return preKeys.lockActiveDevice(device)
                .switchIfEmpty(Mono.error(() -> unknownDevice(device)))
                .map(PreKeyRules::storedIdentityKey);
    }

    static ProblemException unknownDevice(DeviceAddress device) {
        return Problem.of(HttpStatus.NOT_FOUND, "unknown-device", "device " + device + " is not active")
                .toException();
    }
}
