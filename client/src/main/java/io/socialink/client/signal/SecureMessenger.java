package io.socialink.client.signal;

import io.socialink.client.api.DeviceCopies;
import io.socialink.client.api.DeviceInfo;
import io.socialink.client.api.DeviceMismatch;
import io.socialink.client.api.OutgoingCopy;
import io.socialink.client.api.ProblemException;
import io.socialink.client.api.SendResult;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.api.StaleDevices;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.keys.DeviceBundle;
import io.socialink.client.keys.PreKeyGenerator;
import io.socialink.client.keys.PreKeyStats;
import io.socialink.client.socket.CloseStatus;
import io.socialink.client.socket.DeviceEvent;
import io.socialink.client.socket.DeviceSocketListener;
import io.socialink.client.socket.Envelope;
import io.socialink.client.store.SignalFileStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.signal.libsignal.protocol.DuplicateMessageException;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.UntrustedIdentityException;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.kem.KEMPublicKey;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.message.SignalMessage;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyBundle;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

/**
 * End-to-end encrypted messaging for one device with libsignal sessions (PQXDH, then the Double Ratchet):
 * <ul>
 *   <li>{@link #send} encrypts one copy per device of the destination and per other device of the sender (Note to
 *   Self: the sender's other devices only). Devices come from the local sessions; a user without any session gets
 *   its whole bundle fetched first. On 409 {@code device-mismatch} sessions of extra devices are deleted and bundles
 *   of missing devices fetched; on 410 {@code stale-devices} the stale sessions are archived, their identities
 *   forgotten and fresh bundles fetched; the send is then re-encrypted and retried with the same idempotency key,
 *   at most {@link SocialinkClient#MAX_SEND_ATTEMPTS} times.</li>
 *   <li>{@link #decrypt} turns a received envelope (type 3 PreKeySignalMessage, type 2 SignalMessage) into
 *   plaintext; {@link #listener} does it for a socket and refills one-time prekeys on {@code low-prekeys}.</li>
 * </ul>
 * Thread-safe: libsignal operations are serialized per remote address, the store is persistent, so a restarted
 * client continues its sessions. Plaintext never reaches logs or exception messages.
 */
public final class SecureMessenger implements AutoCloseable {

    /** One-time prekeys of each kind a refill tops the directory up to (the per-request cap). */
    public static final int REFILL_TARGET = PreKeyGenerator.MAX_ONE_TIME_PREKEYS;
    /** Decrypted messages a listener failed on, kept in memory for their redelivery. */
    private static final int MAX_UNHANDLED = 1_000;

    private final SocialinkClient client;
    private final DeviceCredentials self;
    private final SignalFileStore store;
    private final PreKeyGenerator generator;
    private final AddressLocks locks = new AddressLocks();
    private final AtomicBoolean refilling = new AtomicBoolean();
    private final Map<UUID, DecryptedMessage> unhandled =
            java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<UUID, DecryptedMessage> eldest) {
                    return size() > MAX_UNHANDLED;
                }
            });
    private final Object executorLock = new Object();
    private @Nullable ExecutorService background;

    public SecureMessenger(
            SocialinkClient client, DeviceCredentials self, SignalFileStore store, PreKeyGenerator generator) {
        this.client = Objects.requireNonNull(client, "client");
        this.self = Objects.requireNonNull(self, "self");
        this.store = Objects.requireNonNull(store, "store");
        this.generator = Objects.requireNonNull(generator, "generator");
    }

    public SecureMessenger(SocialinkClient client, DeviceCredentials self, SignalFileStore store) {
        this(client, self, store, new PreKeyGenerator());
    }

    public DeviceCredentials device() {
        return self;
    }

    public SignalFileStore store() {
        return store;
    }

    /** The REST client this messenger sends with. */
    public SocialinkClient client() {
        return client;
    }

    /** {@link #send(String, String, byte[])} with a fresh idempotency key. */
    public SendResult send(String destination, byte[] plaintext) {
        return send(destination, UUID.randomUUID().toString(), plaintext);
    }

    /** Encrypts {@code plaintext} for every device of {@code destination} and the sender's other devices. */
    public SendResult send(String destination, String idempotencyKey, byte[] plaintext) {
        Objects.requireNonNull(plaintext, "plaintext");
        return client.sendToAllDevices(self, destination, idempotencyKey, new SessionCopies(destination, plaintext));
    }

    /** The plaintext of an envelope sent to this device. */
    public DecryptedMessage decrypt(Envelope envelope) throws UndecryptableMessageException {
        try {
            byte[] plaintext = decrypt(
                    envelope.senderUserId(), envelope.senderDeviceId(), envelope.ciphertextType(), envelope.content());
            return new DecryptedMessage(envelope, plaintext);
        } catch (UndecryptablePayloadException e) {
            String reason = e.duplicate()
                    ? "replayed message " + envelope.messageId()
                    : "cannot decrypt " + envelope.messageId() + " from " + envelope.senderAddress() + ": "
                            + e.getMessage();
            throw new UndecryptableMessageException(envelope, reason, e.getCause(), e.duplicate());
        }
    }

    /**
     * The plaintext of a ciphertext that {@code senderUserId.senderDeviceId} encrypted for this device with its
     * session (type 3 PreKeySignalMessage or type 2 SignalMessage), e.g. a call's offer, answer or ICE candidate.
     */
    public byte[] decrypt(String senderUserId, int senderDeviceId, int ciphertextType, byte[] content)
            throws UndecryptablePayloadException {
        SignalProtocolAddress address = new SignalProtocolAddress(senderUserId, senderDeviceId);
        try {
            return locks.with(address, () -> {
                SessionCipher cipher = new SessionCipher(store, address);
                return switch (ciphertextType) {
                    case CiphertextMessage.PREKEY_TYPE -> cipher.decrypt(new PreKeySignalMessage(content));
                    case CiphertextMessage.WHISPER_TYPE -> cipher.decrypt(new SignalMessage(content));
                    default ->
                        throw new UndecryptablePayloadException(
                                "unsupported ciphertext type " + ciphertextType, null, false);
                };
            });
        } catch (UndecryptablePayloadException e) {
            throw e;
        } catch (DuplicateMessageException e) {
            throw new UndecryptablePayloadException("replayed ciphertext", e, true);
        } catch (Exception e) {
            throw new UndecryptablePayloadException(e.getClass().getSimpleName(), e, false);
        }
    }

    /**
     * Encrypts {@code plaintext} once for every active device of another user ({@code userId}; not this user's own
     * devices) and hands the copies to {@code post}, e.g. a call's offers to its initiate request. When {@code post}
     * throws 409 {@code device-mismatch} or 410 {@code stale-devices}, the sessions are corrected as for a
     * {@link #send} and the copies encrypted and posted again, at most {@link SocialinkClient#MAX_SEND_ATTEMPTS}
     * times in all.
     */
    public <T> T encryptForDevicesOf(String userId, byte[] plaintext, Function<List<OutgoingCopy>, T> post) {
        Objects.requireNonNull(plaintext, "plaintext");
        if (userId.equals(self.userId())) {
            throw new IllegalArgumentException("encryptForDevicesOf is for another user's devices");
        }
        SessionCopies copies = new SessionCopies(userId, plaintext, false);
        for (int attempt = 1; ; attempt++) {
            List<OutgoingCopy> outgoing = new ArrayList<>();
            for (DeviceInfo device : copies.devices().getOrDefault(userId, List.of())) {
                outgoing.add(copies.copy(userId, device));
            }
            try {
                return post.apply(outgoing);
            } catch (ProblemException problem) {
                if (!problem.isDeviceListOutdated() || attempt >= SocialinkClient.MAX_SEND_ATTEMPTS) {
                    throw problem;
                }
                copies.correct(problem);
            }
        }
    }

    /**
     * Encrypts {@code plaintext} for one device ({@code userId.deviceId}) with its session, fetching that device's
     * bundle first when there is none; e.g. a call's answer for the caller's device or an ICE candidate for the peer.
     */
    public OutgoingCopy encryptFor(String userId, int deviceId, byte[] plaintext) {
        Objects.requireNonNull(plaintext, "plaintext");
        SignalProtocolAddress address = new SignalProtocolAddress(userId, deviceId);
        if (!store.containsSession(address)) {
            fetchSessions(userId, deviceId);
        }
        int registrationId = store.loadSession(address).getRemoteRegistrationId();
        return encrypt(userId, new DeviceInfo(deviceId, registrationId, null), plaintext);
    }

    /**
     * A socket listener that decrypts envelopes for {@code target} and, on a {@code low-prekeys} event, uploads new
     * one-time prekeys in the background (one refill at a time).
     */
    public DeviceSocketListener listener(SecureMessageListener target) {
        return new DecryptingListener(target);
    }

    /** Tops the directory's one-time prekeys of this device up to {@link #REFILL_TARGET}, asking it for the counts. */
    public PreKeyStats refillPreKeys() {
        PreKeyStats stats = client.stats(self);
        return refillPreKeys(stats.ecPreKeys(), stats.pqPreKeys());
    }

    /**
     * Generates and uploads {@code REFILL_TARGET - remaining} one-time prekeys of each kind; the private halves are
     * stored before the upload, so a key the directory hands out can always be used.
     */
    public PreKeyStats refillPreKeys(int remainingEc, int remainingPq) {
        int ec = Math.max(0, REFILL_TARGET - remainingEc);
        int pq = Math.max(0, REFILL_TARGET - remainingPq);
        if (ec == 0 && pq == 0) {
            return client.stats(self);
        }
        List<PreKeyRecord> preKeys = generator.preKeys(store.reservePreKeyIds(ec), ec);
        List<KyberPreKeyRecord> pqPreKeys =
                generator.kyberPreKeys(store.getIdentityKeyPair(), store.reservePqPreKeyIds(pq), pq);
        preKeys.forEach(key -> store.storePreKey(key.getId(), key));
        pqPreKeys.forEach(key -> store.storeKyberPreKey(key.getId(), key));
        return client.uploadPreKeys(
                self, PreKeyGenerator.publicPreKeys(preKeys), PreKeyGenerator.publicKyberPreKeys(pqPreKeys));
    }

    /**
     * Replaces the signed prekey and the Kyber last-resort prekey in the directory. The previous private halves stay
     * in the store so that sessions started from them still complete.
     */
    public void rotateKeys() {
        SignedPreKeyRecord signed = generator.signedPreKey(store.getIdentityKeyPair(), store.reserveSignedPreKeyId());
        KyberPreKeyRecord lastResort = generator.kyberPreKey(store.getIdentityKeyPair(), store.reservePqPreKeyIds(1));
        store.storeSignedPreKey(signed.getId(), signed);
        store.markLastResort(lastResort.getId());
        store.storeKyberPreKey(lastResort.getId(), lastResort);
        client.rotate(self, PreKeyGenerator.publicKey(signed), PreKeyGenerator.publicKey(lastResort));
    }

    /** Starts (or replaces) the session with each device of the bundle; answers the device ids it started. */
    public List<Integer> startSessions(String userId, List<DeviceBundle> bundles) {
        List<Integer> started = new ArrayList<>();
        for (DeviceBundle bundle : bundles) {
            if (userId.equals(self.userId()) && bundle.deviceId() == self.deviceId()) {
                continue;
            }
            startSession(userId, bundle);
            started.add(bundle.deviceId());
        }
        return started;
    }

    @Override
    public void close() {
        synchronized (executorLock) {
            if (background != null) {
                background.shutdownNow();
            }
        }
    }

    private void startSession(String userId, DeviceBundle device) {
        SignalProtocolAddress address = new SignalProtocolAddress(userId, device.deviceId());
        try {
            PreKeyBundle bundle = new PreKeyBundle(
                    device.registrationId(),
                    device.deviceId(),
                    device.preKey() == null
                            ? PreKeyBundle.NULL_PRE_KEY_ID
                            : device.preKey().keyId(),
                    device.preKey() == null
                            ? null
                            : new ECPublicKey(device.preKey().publicKey()),
                    device.signedPreKey().keyId(),
                    new ECPublicKey(device.signedPreKey().publicKey()),
                    device.signedPreKey().signature(),
                    new IdentityKey(device.identityKey()),
                    device.pqPreKey().keyId(),
                    new KEMPublicKey(device.pqPreKey().publicKey()),
                    device.pqPreKey().signature());
            locks.run(address, () -> new SessionBuilder(store, address).process(bundle));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(
                    "the bundle of " + userId + "." + device.deviceId() + " has a bad key or signature", e);
        } catch (UntrustedIdentityException e) {
            throw new IllegalStateException(
                    "the identity key of " + userId + "." + device.deviceId() + " changed; not trusted", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start a session with " + userId + "." + device.deviceId(), e);
        }
    }

    /**
     * Fetches bundles (of one device, or all when null) and starts sessions. A vanished device is skipped (the next
     * attempt's answer tells the truth); a user without devices is a 404 for the caller.
     */
    private void fetchSessions(String userId, @Nullable Integer deviceId) {
        try {
            startSessions(userId, client.bundle(self, userId, deviceId).devices());
        } catch (ProblemException problem) {
            if (problem.status() != 404 || deviceId == null) {
                throw problem;
            }
        }
    }

    private void refillInBackground(DeviceEvent event, SecureMessageListener target) {
        if (!refilling.compareAndSet(false, true)) {
            return;
        }
        int ec = event.intAttribute("ecPreKeys", -1);
        int pq = event.intAttribute("pqPreKeys", -1);
        try {
            executor().execute(() -> {
                try {
                    PreKeyStats stats = ec < 0 || pq < 0 ? refillPreKeys() : refillPreKeys(ec, pq);
                    target.onPreKeysRefilled(stats);
                } catch (RuntimeException e) {
                    target.onError(e);
                } finally {
                    refilling.set(false);
                }
            });
        } catch (RuntimeException e) {
            refilling.set(false);
            target.onError(e);
        }
    }

    private void keepUnhandled(DecryptedMessage message) {
        unhandled.put(message.envelope().messageId(), message);
    }

    private ExecutorService executor() {
        synchronized (executorLock) {
            if (background == null) {
                background = Executors.newSingleThreadExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "prekey-refill-" + self.address());
                    thread.setDaemon(true);
                    return thread;
                });
            }
            return background;
        }
    }

    /** One device's copy of {@code plaintext}, encrypted with its session. */
    private OutgoingCopy encrypt(String userId, DeviceInfo device, byte[] plaintext) {
        SignalProtocolAddress address = new SignalProtocolAddress(userId, device.deviceId());
        try {
            CiphertextMessage ciphertext =
                    locks.with(address, () -> new SessionCipher(store, address).encrypt(plaintext));
            return new OutgoingCopy(
                    userId, device.deviceId(), device.registrationId(), ciphertext.getType(), ciphertext.serialize());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot encrypt for " + userId + "." + device.deviceId() + ": "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }

    /** The copies of one send, made from the local sessions and corrected from the gateway's 409/410 answers. */
    private final class SessionCopies implements DeviceCopies {

        private final String destination;
        private final byte[] plaintext;
        /** Whether the copies include this user's other devices (a message send) or not (a call's offers). */
        private final boolean ownDevices;

        SessionCopies(String destination, byte[] plaintext) {
            this(destination, plaintext, true);
        }

        SessionCopies(String destination, byte[] plaintext, boolean ownDevices) {
            this.destination = destination;
            this.plaintext = plaintext;
            this.ownDevices = ownDevices;
            // a user's own other devices are learnt from the 409 instead: fetching the own user's whole bundle
            // would also claim a prekey of this very device
            if (!destination.equals(self.userId())
                    && store.sessionDevices(destination).isEmpty()) {
                fetchSessions(destination, null);
            }
        }

        @Override
        public Map<String, List<DeviceInfo>> devices() {
            Map<String, List<DeviceInfo>> devices = new LinkedHashMap<>();
            devices.put(destination, sessionDevices(destination));
            if (ownDevices && !destination.equals(self.userId())) {
                devices.put(self.userId(), sessionDevices(self.userId()));
            }
            return devices;
        }

        @Override
        public OutgoingCopy copy(String userId, DeviceInfo device) {
            return encrypt(userId, device, plaintext);
        }

        @Override
        public void correct(ProblemException problem) {
            if (problem.mismatches().isEmpty() && problem.stale().isEmpty()) {
                resync(destination);
                if (ownDevices && !destination.equals(self.userId())) {
                    resync(self.userId());
                }
                return;
            }
            for (DeviceMismatch mismatch : problem.mismatches()) {
                for (int deviceId : mismatch.extraDevices()) {
                    store.deleteSession(new SignalProtocolAddress(mismatch.userId(), deviceId));
                }
                for (int deviceId : mismatch.missingDevices()) {
                    fetchSessions(mismatch.userId(), deviceId);
                }
            }
            for (StaleDevices stale : problem.stale()) {
                for (int deviceId : stale.staleDevices()) {
                    SignalProtocolAddress address = new SignalProtocolAddress(stale.userId(), deviceId);
                    // the device was registered again: its old session is useless for sending, its new key is new
                    store.archiveSession(address);
                    store.forgetIdentity(address);
                    fetchSessions(stale.userId(), deviceId);
                }
            }
        }

        /** Aligns the sessions of a user with its directory device list. */
        private void resync(String userId) {
            Set<Integer> active = new HashSet<>();
            try {
                client.devices(self, userId).devices().forEach(device -> active.add(device.deviceId()));
            } catch (ProblemException lookup) {
                if (lookup.status() != 404) {
                    throw lookup;
                }
            }
            for (int deviceId : store.sessionDevices(userId)) {
                if (!active.contains(deviceId)) {
                    store.deleteSession(new SignalProtocolAddress(userId, deviceId));
                }
            }
            Set<Integer> known = new HashSet<>(store.sessionDevices(userId));
            for (int deviceId : active) {
                boolean own = userId.equals(self.userId()) && deviceId == self.deviceId();
                if (!own && !known.contains(deviceId)) {
                    fetchSessions(userId, deviceId);
                }
            }
        }

        private List<DeviceInfo> sessionDevices(String userId) {
            List<DeviceInfo> devices = new ArrayList<>();
            for (int deviceId : store.sessionDevices(userId)) {
                int registrationId = store.loadSession(new SignalProtocolAddress(userId, deviceId))
                        .getRemoteRegistrationId();
                devices.add(new DeviceInfo(deviceId, registrationId, null));
            }
            return devices;
        }
    }

    /** Decrypts envelopes for a {@link SecureMessageListener} and handles {@code low-prekeys} itself. */
    private final class DecryptingListener implements DeviceSocketListener {

        private final SecureMessageListener target;

        DecryptingListener(SecureMessageListener target) {
            this.target = target;
        }

        @Override
        public void onEnvelope(Envelope envelope) {
            DecryptedMessage message = unhandled.remove(envelope.messageId());
            if (message == null) {
                try {
                    message = decrypt(envelope);
                } catch (UndecryptableMessageException e) {
                    if (!e.duplicate()) {
                        target.onUndecryptable(envelope, e);
                    }
                    return;
                }
            }
            try {
                target.onMessage(message);
            } catch (RuntimeException e) {
                // the ratchet has moved on: the redelivery of this envelope could not be decrypted again
                keepUnhandled(message);
                throw e;
            }
        }

        @Override
        public void onEvent(DeviceEvent event) {
            if (DeviceEvent.LOW_PREKEYS.equals(event.type())) {
                refillInBackground(event, target);
            } else {
                target.onEvent(event);
            }
        }

        @Override
        public void onQueueEmpty() {
            target.onQueueEmpty();
        }

        @Override
        public void onError(Throwable error) {
            target.onError(error);
        }

        @Override
        public void onClose(CloseStatus status) {
            target.onClose(status);
        }

        @Override
        public void onDisconnected(CloseStatus status) {
            target.onDisconnected(status);
        }

        @Override
        public void onReconnecting(int attempt, Duration delay) {
            target.onReconnecting(attempt, delay);
        }

        @Override
        public void onReconnected(int attempt) {
            target.onReconnected(attempt);
        }
    }
}
