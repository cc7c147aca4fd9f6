package io.socialink.client.store;

import io.socialink.client.keys.DeviceKeyMaterial;
import io.socialink.client.keys.PreKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.InvalidKeyIdException;
import org.signal.libsignal.protocol.InvalidMessageException;
import org.signal.libsignal.protocol.NoSessionException;
import org.signal.libsignal.protocol.ReusedBaseKeyException;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.groups.state.SenderKeyRecord;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SessionRecord;
import org.signal.libsignal.protocol.state.SignalProtocolStore;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * libsignal's {@link SignalProtocolStore} for one device, kept in a directory of owner-only files (one per record,
 * each replaced atomically, see {@link OwnerOnlyFiles}) and cached in memory, so a restarted client continues its
 * sessions. Every change is on disk before the call returns. Identities are trusted on first use: an address's
 * first identity key is saved, a different one later is refused until {@link #forgetIdentity} (which the messenger
 * calls only when the server reported that device as re-registered). Thread-safe (one lock); callers still
 * serialize the libsignal operations per remote address, which read and write several records.
 */
public final class SignalFileStore implements SignalProtocolStore {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final String META = "device.json";

    private final Path directory;
    private final JsonMapper mapper = JsonMapper.builder().build();
    private final IdentityKeyPair identity;
    private final int registrationId;
    private final Map<Integer, byte[]> preKeys = new TreeMap<>();
    private final Map<Integer, byte[]> signedPreKeys = new TreeMap<>();
    private final Map<Integer, byte[]> kyberPreKeys = new TreeMap<>();
    private final Set<Integer> lastResortKyberIds = new TreeSet<>();
    private final Map<Integer, Set<String>> usedLastResortBaseKeys = new TreeMap<>();
    private final Map<String, byte[]> sessions = new TreeMap<>();
    private final Map<String, byte[]> identities = new TreeMap<>();
    private final Map<String, byte[]> senderKeys = new TreeMap<>();
    private int nextPreKeyId;
    private int nextPqPreKeyId;
    private int nextSignedPreKeyId;

    private SignalFileStore(Path directory, IdentityKeyPair identity, int registrationId) {
        this.directory = directory;
        this.identity = identity;
        this.registrationId = registrationId;
    }

    /** Creates the store of a new device in {@code directory}, replacing whatever was there. */
    public static SignalFileStore create(Path directory, DeviceKeyMaterial keys) {
        try {
            deleteRecursively(directory);
            OwnerOnlyFiles.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
        SignalFileStore store = new SignalFileStore(directory, keys.identity(), keys.registrationId());
        synchronized (store) {
            store.nextPreKeyId = keys.nextPreKeyId();
            store.nextPqPreKeyId = keys.nextPqPreKeyId();
            store.nextSignedPreKeyId = keys.nextSignedPreKeyId();
            store.lastResortKyberIds.add(keys.pqLastResortPreKey().getId());
            store.writeMeta();
            store.storeSignedPreKey(keys.signedPreKey().getId(), keys.signedPreKey());
            store.storeKyberPreKey(keys.pqLastResortPreKey().getId(), keys.pqLastResortPreKey());
            keys.preKeys().forEach(key -> store.storePreKey(key.getId(), key));
            keys.pqPreKeys().forEach(key -> store.storeKyberPreKey(key.getId(), key));
        }
        return store;
    }

    /** Opens the store a device wrote earlier. */
    public static SignalFileStore open(Path directory) {
        Path meta = directory.resolve(META);
        try {
            byte[] bytes = OwnerOnlyFiles.readIfExists(meta);
            if (bytes == null) {
                throw new IllegalArgumentException("no key store in " + directory + " (register the device first)");
            }
            JsonNode json = JsonMapper.builder().build().readTree(bytes);
            SignalFileStore store = new SignalFileStore(
                    directory,
                    new IdentityKeyPair(Base64.getDecoder()
                            .decode(json.path("identityKeyPair").asString())),
                    json.path("registrationId").asInt());
            synchronized (store) {
                store.nextPreKeyId = json.path("nextPreKeyId").asInt();
                store.nextPqPreKeyId = json.path("nextPqPreKeyId").asInt();
                store.nextSignedPreKeyId = json.path("nextSignedPreKeyId").asInt();
                json.path("lastResortPqPreKeyIds").forEach(id -> store.lastResortKyberIds.add(id.asInt()));
                store.loadRecords();
            }
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the key store in " + directory, e);
        } catch (InvalidKeyException | IllegalArgumentException e) {
            throw new IllegalStateException("the key store in " + directory + " is corrupt: " + e.getMessage(), e);
        }
    }

    public Path directory() {
        return directory;
    }

    // identities

    @Override
    public IdentityKeyPair getIdentityKeyPair() {
        return identity;
    }

    @Override
    public int getLocalRegistrationId() {
        return registrationId;
    }

    @Override
    public synchronized IdentityChange saveIdentity(SignalProtocolAddress address, IdentityKey identityKey) {
        String key = addressKey(address);
        byte[] previous = identities.get(key);
        byte[] serialized = identityKey.serialize();
        if (previous != null && java.util.Arrays.equals(previous, serialized)) {
            return IdentityChange.NEW_OR_UNCHANGED;
        }
        identities.put(key, serialized);
        write(Path.of("identities", key), serialized);
        return previous == null ? IdentityChange.NEW_OR_UNCHANGED : IdentityChange.REPLACED_EXISTING;
    }

    @Override
    public synchronized boolean isTrustedIdentity(
            SignalProtocolAddress address, IdentityKey identityKey, Direction direction) {
        byte[] known = identities.get(addressKey(address));
        return known == null || java.util.Arrays.equals(known, identityKey.serialize());
    }

    @Override
    public synchronized @Nullable IdentityKey getIdentity(SignalProtocolAddress address) {
        byte[] known = identities.get(addressKey(address));
        try {
            return known == null ? null : new IdentityKey(known);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("stored identity of " + address + " is corrupt", e);
        }
    }

    /** Forgets the trusted identity of a device the server reported as re-registered (its next key is new). */
    public synchronized void forgetIdentity(SignalProtocolAddress address) {
        String key = addressKey(address);
        if (identities.remove(key) != null) {
            delete(Path.of("identities", key));
        }
    }

    // one-time EC prekeys

    @Override
    public synchronized PreKeyRecord loadPreKey(int preKeyId) throws InvalidKeyIdException {
        byte[] bytes = preKeys.get(preKeyId);
        if (bytes == null) {
            throw new InvalidKeyIdException("no prekey " + preKeyId);
        }
        try {
            return new PreKeyRecord(bytes);
        } catch (InvalidMessageException e) {
            throw new IllegalStateException("stored prekey " + preKeyId + " is corrupt", e);
        }
    }

    @Override
    public synchronized void storePreKey(int preKeyId, PreKeyRecord record) {
        byte[] bytes = record.serialize();
        preKeys.put(preKeyId, bytes);
        write(Path.of("prekeys", "ec-" + preKeyId), bytes);
    }

    @Override
    public synchronized boolean containsPreKey(int preKeyId) {
        return preKeys.containsKey(preKeyId);
    }

    @Override
    public synchronized void removePreKey(int preKeyId) {
        if (preKeys.remove(preKeyId) != null) {
            delete(Path.of("prekeys", "ec-" + preKeyId));
        }
    }

    // signed prekeys

    @Override
    public synchronized SignedPreKeyRecord loadSignedPreKey(int signedPreKeyId) throws InvalidKeyIdException {
        byte[] bytes = signedPreKeys.get(signedPreKeyId);
        if (bytes == null) {
            throw new InvalidKeyIdException("no signed prekey " + signedPreKeyId);
        }
        try {
            return new SignedPreKeyRecord(bytes);
        } catch (InvalidMessageException e) {
            throw new IllegalStateException("stored signed prekey " + signedPreKeyId + " is corrupt", e);
        }
    }

    @Override
    public synchronized List<SignedPreKeyRecord> loadSignedPreKeys() {
        List<SignedPreKeyRecord> records = new ArrayList<>();
        for (int id : signedPreKeys.keySet()) {
            try {
                records.add(loadSignedPreKey(id));
            } catch (InvalidKeyIdException e) {
                throw new IllegalStateException(e);
            }
        }
        return records;
    }

    @Override
    public synchronized void storeSignedPreKey(int signedPreKeyId, SignedPreKeyRecord record) {
        byte[] bytes = record.serialize();
        signedPreKeys.put(signedPreKeyId, bytes);
        write(Path.of("prekeys", "signed-" + signedPreKeyId), bytes);
    }

    @Override
    public synchronized boolean containsSignedPreKey(int signedPreKeyId) {
        return signedPreKeys.containsKey(signedPreKeyId);
    }

    @Override
    public synchronized void removeSignedPreKey(int signedPreKeyId) {
        if (signedPreKeys.remove(signedPreKeyId) != null) {
            delete(Path.of("prekeys", "signed-" + signedPreKeyId));
        }
    }

    // Kyber prekeys: one-time ones are deleted once used, last-resort ones remember the base keys they were used with

    @Override
    public synchronized KyberPreKeyRecord loadKyberPreKey(int kyberPreKeyId) throws InvalidKeyIdException {
        byte[] bytes = kyberPreKeys.get(kyberPreKeyId);
        if (bytes == null) {
            throw new InvalidKeyIdException("no Kyber prekey " + kyberPreKeyId);
        }
        try {
            return new KyberPreKeyRecord(bytes);
        } catch (InvalidMessageException e) {
            throw new IllegalStateException("stored Kyber prekey " + kyberPreKeyId + " is corrupt", e);
        }
    }

    @Override
    public synchronized List<KyberPreKeyRecord> loadKyberPreKeys() {
        List<KyberPreKeyRecord> records = new ArrayList<>();
        for (int id : kyberPreKeys.keySet()) {
            try {
                records.add(loadKyberPreKey(id));
            } catch (InvalidKeyIdException e) {
                throw new IllegalStateException(e);
            }
        }
        return records;
    }

    @Override
    public synchronized void storeKyberPreKey(int kyberPreKeyId, KyberPreKeyRecord record) {
        byte[] bytes = record.serialize();
        kyberPreKeys.put(kyberPreKeyId, bytes);
        write(Path.of("prekeys", "pq-" + kyberPreKeyId), bytes);
    }

    @Override
    public synchronized boolean containsKyberPreKey(int kyberPreKeyId) {
        return kyberPreKeys.containsKey(kyberPreKeyId);
    }

    @Override
    public synchronized void markKyberPreKeyUsed(int kyberPreKeyId, int signedPreKeyId, ECPublicKey baseKey)
            throws ReusedBaseKeyException {
        if (!lastResortKyberIds.contains(kyberPreKeyId)) {
            if (kyberPreKeys.remove(kyberPreKeyId) != null) {
                delete(Path.of("prekeys", "pq-" + kyberPreKeyId));
            }
            return;
        }
        Set<String> used = usedLastResortBaseKeys.computeIfAbsent(kyberPreKeyId, id -> new LinkedHashSet<>());
        String entry = signedPreKeyId + ":" + HexFormat.of().formatHex(baseKey.serialize());
        if (!used.add(entry)) {
            throw new ReusedBaseKeyException("Kyber last-resort prekey " + kyberPreKeyId + " reused with a base key");
        }
        write(
                Path.of("prekeys", "pq-" + kyberPreKeyId + ".used"),
                String.join("\n", used).getBytes(StandardCharsets.US_ASCII));
    }

    /** Marks a stored Kyber prekey as a last-resort key (reusable; not deleted once used). */
    public synchronized void markLastResort(int kyberPreKeyId) {
        if (lastResortKyberIds.add(kyberPreKeyId)) {
            writeMeta();
        }
    }

    // sessions

    @Override
    public synchronized SessionRecord loadSession(SignalProtocolAddress address) {
        byte[] bytes = sessions.get(addressKey(address));
        try {
            return bytes == null ? new SessionRecord() : new SessionRecord(bytes);
        } catch (InvalidMessageException e) {
            throw new IllegalStateException("stored session with " + address + " is corrupt", e);
        }
    }

    @Override
    public synchronized List<SessionRecord> loadExistingSessions(List<SignalProtocolAddress> addresses)
            throws NoSessionException {
        List<SessionRecord> records = new ArrayList<>();
        for (SignalProtocolAddress address : addresses) {
            if (!sessions.containsKey(addressKey(address))) {
                throw new NoSessionException("no session with " + address);
            }
            records.add(loadSession(address));
        }
        return records;
    }

    /** Device ids of {@code name} other than 1 with a session, as libsignal defines sub-device sessions. */
    @Override
    public synchronized List<Integer> getSubDeviceSessions(String name) {
        return sessionDevices(name).stream().filter(deviceId -> deviceId != 1).toList();
    }

    /** Device ids of {@code name} (device 1 included) with a session that can encrypt, ascending. */
    public synchronized List<Integer> sessionDevices(String name) {
        List<Integer> devices = new ArrayList<>();
        String prefix = name + ".";
        for (Map.Entry<String, byte[]> entry : sessions.entrySet()) {
            if (entry.getKey().startsWith(prefix) && usable(entry.getValue())) {
                devices.add(Integer.parseInt(entry.getKey().substring(prefix.length())));
            }
        }
        devices.sort(null);
        return devices;
    }

    @Override
    public synchronized void storeSession(SignalProtocolAddress address, SessionRecord record) {
        String key = addressKey(address);
        byte[] bytes = record.serialize();
        sessions.put(key, bytes);
        write(Path.of("sessions", key), bytes);
    }

    @Override
    public synchronized boolean containsSession(SignalProtocolAddress address) {
        byte[] bytes = sessions.get(addressKey(address));
        return bytes != null && usable(bytes);
    }

    @Override
    public synchronized void deleteSession(SignalProtocolAddress address) {
        String key = addressKey(address);
        if (sessions.remove(key) != null) {
            delete(Path.of("sessions", key));
        }
    }

    @Override
    public synchronized void deleteAllSessions(String name) {
        for (int deviceId : new ArrayList<>(sessionDevicesIncludingUnusable(name))) {
            deleteSession(new SignalProtocolAddress(name, deviceId));
        }
    }

    /** Keeps the session's current state only as a previous one (late messages still decrypt); it stops encrypting. */
    public synchronized void archiveSession(SignalProtocolAddress address) {
        if (sessions.containsKey(addressKey(address))) {
            SessionRecord record = loadSession(address);
            record.archiveCurrentState();
            storeSession(address, record);
        }
    }

    // sender keys (groups): stored for completeness of the interface

    @Override
    public synchronized void storeSenderKey(SignalProtocolAddress sender, UUID distributionId, SenderKeyRecord record) {
        String key = addressKey(sender) + "." + distributionId;
        byte[] bytes = record.serialize();
        senderKeys.put(key, bytes);
        write(Path.of("sender-keys", key), bytes);
    }

    @Override
    public synchronized @Nullable SenderKeyRecord loadSenderKey(SignalProtocolAddress sender, UUID distributionId) {
        byte[] bytes = senderKeys.get(addressKey(sender) + "." + distributionId);
        try {
            return bytes == null ? null : new SenderKeyRecord(bytes);
        } catch (InvalidMessageException e) {
            throw new IllegalStateException("stored sender key of " + sender + " is corrupt", e);
        }
    }

    // prekey bookkeeping for refills and rotation

    /** Reserves {@code count} consecutive one-time EC prekey ids; answers the first. */
    public synchronized int reservePreKeyIds(int count) {
        int first = nextPreKeyId;
        nextPreKeyId = advance(first, count);
        writeMeta();
        return first;
    }

    /** Reserves {@code count} consecutive Kyber prekey ids; answers the first. */
    public synchronized int reservePqPreKeyIds(int count) {
        int first = nextPqPreKeyId;
        nextPqPreKeyId = advance(first, count);
        writeMeta();
        return first;
    }

    /** Reserves one signed prekey id. */
    public synchronized int reserveSignedPreKeyId() {
        int id = nextSignedPreKeyId;
        nextSignedPreKeyId = PreKeyGenerator.nextKeyId(id);
        writeMeta();
        return id;
    }

    /** One-time EC prekeys held locally. */
    public synchronized int preKeyCount() {
        return preKeys.size();
    }

    /** One-time (not last-resort) Kyber prekeys held locally. */
    public synchronized int pqPreKeyCount() {
        return (int) kyberPreKeys.keySet().stream()
                .filter(id -> !lastResortKyberIds.contains(id))
                .count();
    }

    private List<Integer> sessionDevicesIncludingUnusable(String name) {
        List<Integer> devices = new ArrayList<>();
        String prefix = name + ".";
        for (String key : sessions.keySet()) {
            if (key.startsWith(prefix)) {
                devices.add(Integer.parseInt(key.substring(prefix.length())));
            }
        }
        return devices;
    }

    private static boolean usable(byte[] bytes) {
        try {
            return new SessionRecord(bytes).hasSenderChain();
        } catch (InvalidMessageException e) {
            return false;
        }
    }

    private static int advance(int id, int steps) {
        for (int i = 0; i < steps; i++) {
            id = PreKeyGenerator.nextKeyId(id);
        }
        return id;
    }

    private void writeMeta() {
        ObjectNode json = mapper.createObjectNode()
                .put("identityKeyPair", Base64.getEncoder().encodeToString(identity.serialize()))
                .put("registrationId", registrationId)
                .put("nextPreKeyId", nextPreKeyId)
                .put("nextPqPreKeyId", nextPqPreKeyId)
                .put("nextSignedPreKeyId", nextSignedPreKeyId);
        lastResortKyberIds.forEach(json.putArray("lastResortPqPreKeyIds")::add);
        write(Path.of(META), mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
    }

    private void loadRecords() throws IOException {
        for (Path file : list("prekeys")) {
            String name = file.getFileName().toString();
            if (name.startsWith("ec-")) {
                preKeys.put(Integer.parseInt(name.substring(3)), Files.readAllBytes(file));
            } else if (name.startsWith("signed-")) {
                signedPreKeys.put(Integer.parseInt(name.substring(7)), Files.readAllBytes(file));
            } else if (name.startsWith("pq-") && name.endsWith(".used")) {
                int id = Integer.parseInt(name.substring(3, name.length() - 5));
                usedLastResortBaseKeys.put(
                        id,
                        new LinkedHashSet<>(Files.readString(file, StandardCharsets.US_ASCII)
                                .lines()
                                .toList()));
            } else if (name.startsWith("pq-")) {
                kyberPreKeys.put(Integer.parseInt(name.substring(3)), Files.readAllBytes(file));
            }
        }
        for (Path file : list("sessions")) {
            sessions.put(file.getFileName().toString(), Files.readAllBytes(file));
        }
        for (Path file : list("identities")) {
            identities.put(file.getFileName().toString(), Files.readAllBytes(file));
        }
        for (Path file : list("sender-keys")) {
            senderKeys.put(file.getFileName().toString(), Files.readAllBytes(file));
        }
    }

    private List<Path> list(String subdirectory) throws IOException {
        Path dir = directory.resolve(subdirectory);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            // leftovers of an interrupted write start with a dot
            return files.filter(file -> !file.getFileName().toString().startsWith("."))
                    .toList();
        }
    }

    private void write(Path relative, byte[] bytes) {
        Path target = directory.resolve(relative);
        try {
            OwnerOnlyFiles.write(target, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    private void delete(Path relative) {
        Path target = directory.resolve(relative);
        try {
            Files.deleteIfExists(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + target, e);
        }
    }

    private static String addressKey(SignalProtocolAddress address) {
        if (!NAME.matcher(address.getName()).matches() || address.getDeviceId() < 1) {
            throw new IllegalArgumentException("not a Socialink device address: " + address);
        }
        return address.getName() + "." + address.getDeviceId();
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Override
    public String toString() {
        return "SignalFileStore[" + directory + "]";
    }
}
