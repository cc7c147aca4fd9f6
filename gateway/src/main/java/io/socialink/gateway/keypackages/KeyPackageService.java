package io.socialink.gateway.keypackages;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import io.socialink.gateway.ratelimit.RateLimitProperties;
import io.socialink.gateway.ratelimit.RateLimiter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The MLS KeyPackage directory (docs/groups.md). Uploads are validated completely before anything is stored
 * ({@link KeyPackages#parseUpload}: parse, suite 1, signatures, the uploading device's address as credential
 * identity) and stored in one transaction holding the device's row lock, under the per-device cap. Claims are
 * rate-limited per caller device and hand each one-time KeyPackage out at most once.
 */
@Service
public class KeyPackageService {

    public static final String CLAIM_BUCKET = "keypackage-claims";
    public static final int MAX_PER_REQUEST = 100;
    public static final int MAX_STORED = 1_000;
    public static final int MAX_CLAIM_USERS = 1_500;

    private final KeyPackageRepository repository;
    private final TransactionalOperator transactions;
    private final RateLimiter rateLimiter;
    private final RateLimitProperties.Limit claimLimit;

    public KeyPackageService(
            KeyPackageRepository repository,
            TransactionalOperator transactions,
            RateLimiter rateLimiter,
            RateLimitProperties limits) {
        this.repository = repository;
        this.transactions = transactions;
        this.rateLimiter = rateLimiter;
        this.claimLimit = limits.keypackageClaims();
    }

    /** Stores the device's one-time KeyPackages and/or replaces its last-resort one. */
    public Mono<Void> upload(DeviceAddress device, KeyPackageUploadRequest request) {
        if (request == null
                || ((request.keyPackages() == null || request.keyPackages().isEmpty())
                        && request.lastResort() == null)) {
            return Mono.error(
                    Problem.badRequest("keyPackages or lastResort is required").toException());
        }
        List<String> encoded = request.keyPackages() == null ? List.of() : request.keyPackages();
        if (encoded.size() > MAX_PER_REQUEST) {
            return Mono.error(tooMany("at most " + MAX_PER_REQUEST + " KeyPackages per request"));
        }
        Map<String, KeyPackages.Parsed> oneTime = new LinkedHashMap<>();
        for (int i = 0; i < encoded.size(); i++) {
            KeyPackages.Parsed parsed = validate(device, "keyPackages[" + i + "]", encoded.get(i));
            oneTime.putIfAbsent(KeyPackageRepository.base64(parsed.ref()), parsed);
        }
        KeyPackages.Parsed lastResort =
                request.lastResort() == null ? null : validate(device, "lastResort", request.lastResort());
        List<KeyPackages.Parsed> toStore = List.copyOf(oneTime.values());
        Mono<Void> store = repository
                .lockActiveDevice(device)
                .flatMap(active -> active ? repository.countOneTime(device) : Mono.error(unknownDevice(device)))
                .flatMap(stored -> stored + toStore.size() > MAX_STORED
                        ? Mono.error(
                                tooMany("a device may store at most " + MAX_STORED + " KeyPackages; it has " + stored))
                        : repository.insertOneTime(device, toStore))
                .then(lastResort == null ? Mono.empty() : repository.replaceLastResort(device, lastResort));
        return Mono.defer(() -> store.as(transactions::transactional));
    }

    /** The device's one-time KeyPackages left and whether it has a last-resort one. */
    public Mono<KeyPackageCount> count(DeviceAddress device) {
        return repository.countOneTime(device).zipWith(repository.hasLastResort(device), KeyPackageCount::new);
    }

    /** One KeyPackage for every active device of the listed users (docs/groups.md, claim). */
    public Mono<KeyPackageClaim> claim(DeviceAddress caller, KeyPackageClaimRequest request) {
        if (request == null || request.users() == null || request.users().isEmpty()) {
            return Mono.error(Problem.badRequest("users must list 1.." + MAX_CLAIM_USERS + " users")
                    .toException());
        }
        if (request.users().size() > MAX_CLAIM_USERS) {
            return Mono.error(Problem.badRequest("at most " + MAX_CLAIM_USERS + " users per claim")
                    .toException());
        }
        Set<String> users = new LinkedHashSet<>();
        for (String user : request.users()) {
            if (!DeviceAddress.isValidUserId(user)) {
                return Mono.error(Problem.badRequest("users must match [A-Za-z0-9_-]{1,64}")
                        .toException());
            }
            users.add(user);
        }
        boolean skipOwn = Boolean.TRUE.equals(request.skipOwnDevices());
        Map<String, Integer> order = new HashMap<>();
        users.forEach(user -> order.put(user, order.size()));
        return rateLimiter
                .acquire(CLAIM_BUCKET, caller.toString(), claimLimit, "KeyPackage claims")
                .thenMany(repository.claim(users, caller, skipOwn))
                .collectList()
                .map(rows -> {
                    List<KeyPackageRepository.Claimed> sorted = new ArrayList<>(rows);
                    sorted.sort(Comparator.<KeyPackageRepository.Claimed>comparingInt(row -> order.get(row.userId()))
                            .thenComparingInt(KeyPackageRepository.Claimed::deviceId));
                    List<KeyPackageClaim.Claimed> found = new ArrayList<>();
                    List<KeyPackageClaim.Missing> missing = new ArrayList<>();
                    for (KeyPackageRepository.Claimed row : sorted) {
                        if (row.keyPackage() == null) {
                            missing.add(new KeyPackageClaim.Missing(row.userId(), row.deviceId()));
                        } else {
                            found.add(new KeyPackageClaim.Claimed(
                                    row.userId(),
                                    row.deviceId(),
                                    Base64.getEncoder().encodeToString(row.keyPackage()),
                                    row.lastResort()));
                        }
                    }
                    return new KeyPackageClaim(found, missing);
                });
    }

    private static KeyPackages.Parsed validate(DeviceAddress device, String field, String encoded) {
        if (encoded == null) {
            throw Problem.badRequest(field + " must be a base64 string").toException();
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest(field + " is not base64").toException();
        }
        KeyPackages.Parsed parsed;
        try {
            parsed = KeyPackages.parseUpload(bytes);
        } catch (KeyPackages.InvalidKeyPackageException e) {
            throw invalid(field + ": " + e.getMessage());
        }
        if (!device.equals(parsed.identity())) {
            throw invalid(field + ": the credential identity must be the uploading device's address " + device);
        }
        return parsed;
    }

    private static ProblemException invalid(String detail) {
        return Problem.of(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-key-package", detail)
                .toException();
    }

    private static ProblemException tooMany(String detail) {
        return Problem.of(HttpStatus.UNPROCESSABLE_CONTENT, "too-many-key-packages", detail)
                .toException();
    }

    private static ProblemException unknownDevice(DeviceAddress device) {
        return Problem.of(HttpStatus.NOT_FOUND, "unknown-device", "device " + device + " is not active")
                .toException();
    }
}
