package io.socialink.gateway.groups;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.keypackages.KeyPackageRepository;
import io.socialink.gateway.keypackages.KeyPackages;
import io.socialink.gateway.keys.DeviceDirectory;
import io.socialink.gateway.messages.DeviceSetCheck;
import io.socialink.gateway.messages.IdempotencyStore;
import io.socialink.gateway.messages.MessageIds;
import io.socialink.gateway.messages.RequestHash;
import io.socialink.gateway.mls.InvalidMlsMessageException;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import io.socialink.schemas.avro.AddedDevice;
import io.socialink.schemas.avro.CommitBundle;
import io.socialink.schemas.avro.CommitKind;
import io.socialink.schemas.avro.CreateGroup;
import io.socialink.schemas.avro.GroupMessage;
import io.socialink.schemas.avro.GroupReply;
import io.socialink.schemas.avro.LeaveGroup;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import reactor.core.publisher.Mono;

/**
 * The group endpoints' logic in the gateway: checks what the gateway can check alone (MLS framing, sizes, the
 * KeyPackage directory, device coverage of adds, the Welcome's recipients, commit kinds) before anything reaches
 * Kafka, then sends one {@code GroupCommand} and answers with group-fanout's verdict. A group send is idempotent
 * like a 1:1 send ({@link IdempotencyStore}): a retry of an accepted one is answered from Redis without a new
 * command, another message under a used key is refused 422 {@code idempotency-key-reused}, and without a key the
 * key is derived from the MLS message bytes. Membership, admin rights and
 * epoch ordering are decided by group-fanout, the single writer of each group.
 */
public class GroupService {

    /** Commit + Welcome + GroupInfo of one bundle. */
    public static final int MAX_BUNDLE_BYTES = 2 * 1024 * 1024;
    /** One application message, like a 1:1 copy. */
    public static final int MAX_MESSAGE_BYTES = DeviceSetCheck.MAX_CONTENT_BYTES;

    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 64;
    public static final Duration MAX_EXPIRY = Duration.ofDays(30);

    /** Prefix of the idempotency key derived from the MLS message when a group send comes without one. */
    public static final String DERIVED_KEY_PREFIX = "mls-sha256:";

    private final GroupRequests requests;
    private final KeyPackageRepository keyPackages;
    private final DeviceDirectory directory;
    private final GroupRepository groups;
    private final IdempotencyStore idempotency;
    private final GroupPayloads payloads;

    public GroupService(
            GroupRequests requests,
            KeyPackageRepository keyPackages,
            DeviceDirectory directory,
            GroupRepository groups,
            IdempotencyStore idempotency,
            GroupPayloads payloads) {
        this.payloads = payloads;
        this.requests = requests;
        this.keyPackages = keyPackages;
        this.directory = directory;
        this.groups = groups;
        this.idempotency = idempotency;
    }

    public Mono<ResponseEntity<Map<String, Object>>> create(DeviceAddress actor, GroupRequestBodies.CreateGroup body) {
        if (body == null) {
            throw Problem.badRequest("request body is required").toException();
        }
        byte[] groupId = GroupIds.decode(body.groupId());
        if (body.cipherSuite() == null || body.cipherSuite() != KeyPackages.CIPHER_SUITE) {
            throw Problem.of(
                            HttpStatus.UNPROCESSABLE_CONTENT,
                            "unsupported-cipher-suite",
                            "cipherSuite must be " + KeyPackages.CIPHER_SUITE)
                    .toException();
        }
        String id = encode(groupId);
        return requests.request(
                        id,
                        actor,
                        CreateGroup.newBuilder()
                                .setCipherSuite(body.cipherSuite())
                                .build())
                .map(reply -> GroupReplies.answer(reply, ok -> body("groupId", id, "epoch", ok.getEpoch())));
    }

    public Mono<ResponseEntity<Map<String, Object>>> addMembers(
            DeviceAddress actor, String groupIdText, GroupRequestBodies.AddMembers body) {
        byte[] groupId = GroupIds.decode(groupIdText);
        if (body == null) {
            throw Problem.badRequest("request body is required").toException();
        }
        long epoch = epoch(body.epoch());
        byte[] commit = required("commit", body.commit());
        byte[] welcome = required("welcome", body.welcome());
        byte[] groupInfo = optional("groupInfo", body.groupInfo());
        requireBundleSize(commit, welcome, groupInfo);
        MlsFraming.CommitInfo info = inspectCommit(commit, groupId, epoch);
        List<byte[]> welcomeRefs;
        try {
            welcomeRefs = MlsFraming.welcomeRefs(welcome);
        } catch (InvalidMlsMessageException e) {
            throw invalidMessage(e.getMessage());
        }
        checkGroupInfo(groupInfo, groupId, epoch);
        if (info.adds().isEmpty()) {
            throw invalidMessage("an add commit must carry at least one Add proposal");
        }
        Set<DeviceAddress> addedDevices = new HashSet<>();
        for (MlsFraming.Add add : info.adds()) {
            if (add.device() == null) {
                throw unknownKeyPackage("an added KeyPackage's credential is not a device address");
            }
            if (!addedDevices.add(add.device())) {
                throw invalidMessage("the commit adds device " + add.device() + " twice");
            }
        }
        String id = encode(groupId);
        return checkKnownKeyPackages(info.adds())
                .then(Mono.defer(() -> checkCoverage(id, actor, info.adds())))
                .then(Mono.fromRunnable(() -> checkWelcome(info.adds(), welcomeRefs)))
                .then(Mono.defer(() -> {
                    List<AddedDevice> added = info.adds().stream()
                            .map(add -> AddedDevice.newBuilder()
                                    .setUserId(addedDevice(add).userId())
                                    .setDeviceId(addedDevice(add).deviceId())
                                    .setKeyPackageRef(ByteBuffer.wrap(add.keyPackageRef()))
                                    .build())
                            .toList();
                    CommitBundle bundle = bundle(CommitKind.ADD, epoch, commit, welcome, groupInfo, info)
                            .setAdded(added)
                            .build();
                    List<Map<String, Object>> addedView = info.adds().stream()
                            .map(add -> body(
                                    "userId",
                                    addedDevice(add).userId(),
                                    "deviceId",
                                    addedDevice(add).deviceId()))
                            .toList();
                    return requestCommit(id, actor, bundle)
                            .map(reply ->
                                    GroupReplies.answer(reply, ok -> body("epoch", ok.getEpoch(), "added", addedView)));
                }));
    }

    public Mono<ResponseEntity<Map<String, Object>>> removeMember(
            DeviceAddress actor, String groupIdText, String userId, GroupRequestBodies.@Nullable CommitOnly body) {
        byte[] groupId = GroupIds.decode(groupIdText);
        if (!DeviceAddress.isValidUserId(userId)) {
            throw Problem.badRequest("userId must match [A-Za-z0-9_-]{1,64}").toException();
        }
        String id = encode(groupId);
        if (userId.equals(actor.userId())) {
            return requests.request(id, actor, LeaveGroup.newBuilder().build())
                    .map(reply -> GroupReplies.answer(reply, ok -> body("epoch", ok.getEpoch())));
        }
        if (body == null) {
            throw Problem.badRequest("removing another user needs a body with epoch, commit and groupInfo")
                    .toException();
        }
        long epoch = epoch(body.epoch());
        byte[] commit = required("commit", body.commit());
        byte[] groupInfo = optional("groupInfo", body.groupInfo());
        requireBundleSize(commit, null, groupInfo);
        MlsFraming.CommitInfo info = inspectCommit(commit, groupId, epoch);
        checkGroupInfo(groupInfo, groupId, epoch);
        if (!info.adds().isEmpty() || info.removedLeaves().isEmpty()) {
            throw invalidMessage("a remove commit must carry Remove proposals only");
        }
        CommitBundle bundle = bundle(CommitKind.REMOVE, epoch, commit, null, groupInfo, info)
                .setRemovedUserId(userId)
                .build();
        return requestCommit(id, actor, bundle)
                .map(reply -> GroupReplies.answer(reply, ok -> body("epoch", ok.getEpoch())));
    }

    public Mono<ResponseEntity<Map<String, Object>>> commit(
            DeviceAddress actor, String groupIdText, GroupRequestBodies.CommitOnly body) {
        byte[] groupId = GroupIds.decode(groupIdText);
        if (body == null) {
            throw Problem.badRequest("request body is required").toException();
        }
        long epoch = epoch(body.epoch());
        byte[] commit = required("commit", body.commit());
        byte[] groupInfo = optional("groupInfo", body.groupInfo());
        requireBundleSize(commit, null, groupInfo);
        MlsFraming.CommitInfo info = inspectCommit(commit, groupId, epoch);
        checkGroupInfo(groupInfo, groupId, epoch);
        if (!info.adds().isEmpty()) {
            throw invalidMessage(
                    "an update commit must not carry Add proposals; add members with the members" + " endpoint");
        }
        CommitBundle bundle =
                bundle(CommitKind.UPDATE, epoch, commit, null, groupInfo, info).build();
        return requestCommit(encode(groupId), actor, bundle)
                .map(reply -> GroupReplies.answer(reply, ok -> body("epoch", ok.getEpoch())));
    }

    /** The bundle's Commit and Welcome go to the payload store first, so that its copies carry only their keys. */
    private Mono<GroupReply> requestCommit(String groupId, DeviceAddress actor, CommitBundle bundle) {
        return payloads.store(bundle).flatMap(stored -> requests.request(groupId, actor, stored));
    }

    public Mono<ResponseEntity<Map<String, Object>>> send(
            DeviceAddress actor, String groupIdText, GroupRequestBodies.Send body) {
        byte[] groupId = GroupIds.decode(groupIdText);
        if (body == null) {
            throw Problem.badRequest("request body is required").toException();
        }
        byte[] message = required("message", body.message());
        if (message.length > MAX_MESSAGE_BYTES) {
            throw Problem.payloadTooLarge("a group message is at most " + MAX_MESSAGE_BYTES + " bytes")
                    .toException();
        }
        String idempotencyKey = body.idempotencyKey();
        if (idempotencyKey != null
                && (idempotencyKey.isEmpty() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH)) {
            throw Problem.badRequest("idempotencyKey must have 1.." + MAX_IDEMPOTENCY_KEY_LENGTH + " characters")
                    .toException();
        }
        Instant expiresAt = null;
        if (body.expiresAt() != null) {
            long now = System.currentTimeMillis();
            if (body.expiresAt() <= now || body.expiresAt() > now + MAX_EXPIRY.toMillis()) {
                throw Problem.badRequest("expiresAt must be in the next 30 days (epoch milliseconds)")
                        .toException();
            }
            expiresAt = Instant.ofEpochMilli(body.expiresAt());
        }
        long epoch;
        try {
            epoch = MlsFraming.applicationMessage(message, groupId);
        } catch (InvalidMlsMessageException e) {
            throw invalidMessage(e.getMessage());
        }
        // an MLS PrivateMessage is never encrypted twice to the same bytes, so its hash names one send
        String key = idempotencyKey != null ? idempotencyKey : DERIVED_KEY_PREFIX + RequestHash.sha256(message);
        String messageId = MessageIds.derive(actor, key).toString();
        String id = encode(groupId);
        String requestHash = RequestHash.ofGroupMessage(id, message, body.expiresAt());
        String answerKey = IdempotencyStore.groupKey(actor, key);
        GroupMessage command = GroupMessage.newBuilder()
                .setMessageId(messageId)
                .setEpoch(epoch)
                .setContent(ByteBuffer.wrap(message))
                .setExpiresAt(expiresAt)
                .build();
        return idempotency
                .checkRequest(actor, key, requestHash)
                .then(idempotency.findAnswer(answerKey))
                .mapNotNull(GroupService::storedAnswer)
                .switchIfEmpty(Mono.defer(() -> idempotency
                        .bind(actor, key, requestHash)
                        .then(requests.request(id, actor, command))
                        // no binding lost on a 503: the command may still be applied, and the client resends the
                        // same bytes; any other refusal frees the key for a corrected message (a new epoch)
                        .flatMap(reply -> reply.getStatus() >= 200 && reply.getStatus() < 300
                                ? idempotency
                                        .rememberAnswer(answerKey, storedForm(reply, messageId))
                                        .mapNotNull(GroupService::storedAnswer)
                                : idempotency
                                        .unbind(actor, key, requestHash, answerKey)
                                        .then(Mono.<ResponseEntity<Map<String, Object>>>error(
                                                GroupReplies.problem(reply).toException())))));
    }

    /** {@code status,messageId,epoch,recipientDevices}: the answer of an accepted group send, as kept in Redis. */
    private static String storedForm(GroupReply reply, String messageId) {
        return reply.getStatus() + "," + messageId + "," + reply.getEpoch() + ","
                + recipientDevices(reply.getAttributes());
    }

    /** The stored answer, or null (dropped by {@code mapNotNull}) when the stored form is not one this code wrote. */
    private static @Nullable ResponseEntity<Map<String, Object>> storedAnswer(String stored) {
        String[] parts = stored.split(",", -1);
        if (parts.length != 4) {
            return null;
        }
        try {
            return ResponseEntity.status(Integer.parseInt(parts[0]))
                    .body(body(
                            "messageId",
                            parts[1],
                            "epoch",
                            Long.parseLong(parts[2]),
                            "recipientDevices",
                            Integer.parseInt(parts[3])));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int recipientDevices(Map<String, String> attributes) {
        String value = attributes == null ? null : attributes.get("recipientDevices");
        try {
            return value == null ? 0 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static MlsFraming.CommitInfo inspectCommit(byte[] commit, byte[] groupId, long epoch) {
        MlsFraming.CommitInfo info;
        try {
            info = MlsFraming.commit(commit, groupId);
        } catch (InvalidMlsMessageException e) {
            throw invalidMessage(e.getMessage());
        }
        if (info.epoch() != epoch) {
            throw invalidMessage("the commit is framed for epoch " + info.epoch() + ", not the body's " + epoch);
        }
        return info;
    }

    private static void checkGroupInfo(byte @Nullable [] groupInfo, byte[] groupId, long epoch) {
        if (groupInfo == null) {
            return;
        }
        try {
            long next = MlsFraming.groupInfo(groupInfo, groupId);
            if (next != epoch + 1) {
                throw invalidMessage("groupInfo must be of epoch " + (epoch + 1) + ", not " + next);
            }
        } catch (InvalidMlsMessageException e) {
            throw invalidMessage(e.getMessage());
        }
    }

    /** Every added KeyPackage must be one the directory stores or handed out, of the device its credential names. */
    private Mono<Void> checkKnownKeyPackages(List<MlsFraming.Add> adds) {
        return keyPackages
                .owners(adds.stream().map(MlsFraming.Add::keyPackageRef).toList())
                .collectMap(KeyPackageRepository.RefOwner::ref, KeyPackageRepository.RefOwner::device)
                .flatMap(owners -> {
                    for (MlsFraming.Add add : adds) {
                        DeviceAddress owner = owners.get(Base64.getEncoder().encodeToString(add.keyPackageRef()));
                        if (owner == null || !owner.equals(add.device())) {
                            return Mono.error(unknownKeyPackage("the KeyPackage added for " + add.device()
                                    + " is not one the directory stores or handed out for an active device"));
                        }
                    }
                    return Mono.empty();
                });
    }

    /**
     * For each added user, the Adds must cover every active device the projection does not show in the group yet
     * (the committing device is in the group by definition, even before the projection shows it); a rejection
     * against a cached device list is confirmed against the database first.
     */
    private Mono<Void> checkCoverage(String groupId, DeviceAddress actor, List<MlsFraming.Add> adds) {
        Map<String, Set<Integer>> added = new LinkedHashMap<>();
        for (MlsFraming.Add add : adds) {
            added.computeIfAbsent(addedDevice(add).userId(), user -> new TreeSet<>())
                    .add(addedDevice(add).deviceId());
        }
        return groups.memberDevices(groupId, added.keySet()).collectList().flatMap(members -> {
            Map<String, Set<Integer>> inGroup = new HashMap<>();
            inGroup.computeIfAbsent(actor.userId(), user -> new HashSet<>()).add(actor.deviceId());
            members.forEach(member -> inGroup.computeIfAbsent(member.userId(), user -> new HashSet<>())
                    .add(member.deviceId()));
            return directory
                    .activeDevices(added.keySet(), false)
                    .flatMap(cached -> coverageProblem(added, inGroup, cached) == null
                            ? Mono.just(cached)
                            : directory.activeDevices(added.keySet(), true))
                    .flatMap(devices -> {
                        Problem problem = coverageProblem(added, inGroup, devices);
                        return problem == null ? Mono.empty() : Mono.error(problem.toException());
                    });
        });
    }

    static @Nullable Problem coverageProblem(
            Map<String, Set<Integer>> added,
            Map<String, Set<Integer>> inGroup,
            Map<String, Map<Integer, Integer>> active) {
        List<Map<String, Object>> mismatches = new ArrayList<>();
        added.forEach((user, devices) -> {
            Set<Integer> missing =
                    new TreeSet<>(active.getOrDefault(user, Map.of()).keySet());
            missing.removeAll(inGroup.getOrDefault(user, Set.of()));
            missing.removeAll(devices);
            if (!missing.isEmpty()) {
                Map<String, Object> mismatch = new LinkedHashMap<>();
                mismatch.put("userId", user);
                mismatch.put("missingDevices", List.copyOf(missing));
                mismatch.put("extraDevices", List.of());
                mismatches.add(mismatch);
            }
        });
        if (mismatches.isEmpty()) {
            return null;
        }
        return Problem.of(
                        HttpStatus.CONFLICT,
                        "device-mismatch",
                        "the Adds must cover every active device of each added user")
                .with("mismatches", mismatches);
    }

    /** The Welcome must address exactly the added KeyPackageRefs. */
    static void checkWelcome(List<MlsFraming.Add> adds, List<byte[]> welcomeRefs) {
        Set<String> expected = new LinkedHashSet<>();
        adds.forEach(add -> expected.add(Base64.getEncoder().encodeToString(add.keyPackageRef())));
        List<String> addressed = welcomeRefs.stream()
                .map(ref -> Base64.getEncoder().encodeToString(ref))
                .toList();
        if (addressed.size() != expected.size() || !expected.equals(new HashSet<>(addressed))) {
            throw Problem.of(
                            HttpStatus.UNPROCESSABLE_CONTENT,
                            "welcome-mismatch",
                            "the Welcome must address exactly the added KeyPackages")
                    .toException();
        }
    }

    private static CommitBundle.Builder bundle(
            CommitKind kind,
            long epoch,
            byte[] commit,
            byte @Nullable [] welcome,
            byte @Nullable [] groupInfo,
            MlsFraming.CommitInfo info) {
        return CommitBundle.newBuilder()
                .setKind(kind)
                .setEpoch(epoch)
                .setCommit(ByteBuffer.wrap(commit))
                .setWelcome(welcome == null ? null : ByteBuffer.wrap(welcome))
                .setGroupInfo(groupInfo == null ? null : ByteBuffer.wrap(groupInfo))
                .setAdded(List.of())
                .setRemovedLeaves(info.removedLeaves())
                .setRemovedUserId(null)
                .setCommitHash(ByteBuffer.wrap(sha256(commit)));
    }

    private static long epoch(Long epoch) {
        if (epoch == null || epoch < 0) {
            throw Problem.badRequest("epoch must be a non-negative integer").toException();
        }
        return epoch;
    }

    private static byte[] required(String field, String base64) {
        if (base64 == null) {
            throw Problem.badRequest(field + " is required").toException();
        }
        return Objects.requireNonNull(optional(field, base64));
    }

    private static byte @Nullable [] optional(String field, @Nullable String base64) {
        if (base64 == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest(field + " is not base64").toException();
        }
    }

    private static void requireBundleSize(byte[] commit, byte @Nullable [] welcome, byte @Nullable [] groupInfo) {
        long size = (long) commit.length
                + (welcome == null ? 0 : welcome.length)
                + (groupInfo == null ? 0 : groupInfo.length);
        if (size > MAX_BUNDLE_BYTES) {
            throw Problem.payloadTooLarge("a commit bundle is at most " + MAX_BUNDLE_BYTES + " bytes")
                    .toException();
        }
    }

    /** The device an Add names; the commit's Adds were checked to name one each before this is called. */
    private static DeviceAddress addedDevice(MlsFraming.Add add) {
        return Objects.requireNonNull(add.device());
    }

    private static ProblemException invalidMessage(@Nullable String detail) {
        return Problem.of(
                        HttpStatus.UNPROCESSABLE_CONTENT,
                        "invalid-mls-message",
                        Objects.requireNonNullElse(detail, "invalid MLS message"))
                .toException();
    }

    private static ProblemException unknownKeyPackage(String detail) {
        return Problem.of(HttpStatus.UNPROCESSABLE_CONTENT, "unknown-key-package", detail)
                .toException();
    }

    static String encode(byte[] groupId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(groupId);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> body(Object... members) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < members.length; i += 2) {
            body.put((String) members[i], members[i + 1]);
        }
        return body;
    }
}
