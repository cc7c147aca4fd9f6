package io.socialink.client.calls;

import io.socialink.client.api.CallHistory;
import io.socialink.client.api.CallStatus;
import io.socialink.client.api.IcePage;
import io.socialink.client.api.IceSent;
import io.socialink.client.api.OutgoingCopy;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.api.TurnCredentials;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.signal.SecureMessenger;
import io.socialink.client.signal.UndecryptablePayloadException;
import io.socialink.client.socket.CallFrame;
import io.socialink.client.socket.CloseStatus;
import io.socialink.client.socket.DeviceEvent;
import io.socialink.client.socket.DeviceSocketListener;
import io.socialink.client.socket.Envelope;
import io.socialink.client.socket.MalformedFrameException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The calls of one device, end-to-end encrypted: the offer is encrypted once per device of the callee (the device
 * list corrected on 409/410 as for a message send), the answer for the caller's device, each ICE candidate for the
 * call's other device, all with the device's libsignal sessions ({@link SecureMessenger}); the server relays
 * ciphertext only. {@link #listener} decrypts the socket's {@code call} frames. An ICE candidate arrives twice, live
 * (an {@code ice} frame) and in {@link #pollIce}: each is decrypted once, by its sequence number (a ciphertext cannot
 * be decrypted twice), and handed over once. Thread-safe.
 */
public final class SecureCalls {

    public static final String AUDIO = "audio";
    public static final String VIDEO = "video";
    /** Candidates per ICE request at most (the server's limit). */
    public static final int MAX_CANDIDATES_PER_BATCH = 32;
    /** Calls whose peer and ICE cursor are remembered. */
    private static final int MAX_CALLS = 1_000;

    private final SecureMessenger messenger;
    private final SocialinkClient client;
    private final DeviceCredentials self;
    private final Map<UUID, CallLeg> calls = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, CallLeg> eldest) {
            return size() > MAX_CALLS;
        }
    });

    public SecureCalls(SecureMessenger messenger) {
        this.messenger = Objects.requireNonNull(messenger, "messenger");
        this.client = messenger.client();
        this.self = messenger.device();
    }

    public DeviceCredentials device() {
        return self;
    }

    /**
     * Calls {@code calleeUserId}: {@code offer} (SDP text) is encrypted for each of its devices, which all ring.
     * Answers the call {@code ringing}, or {@code ended} with outcome {@code busy}.
     */
    public CallStatus initiate(String calleeUserId, String media, String offer) {
        if (!AUDIO.equals(media) && !VIDEO.equals(media)) {
            throw new IllegalArgumentException("media must be audio or video: " + media);
        }
        CallStatus status = messenger.encryptForDevicesOf(
                calleeUserId,
                offer.getBytes(StandardCharsets.UTF_8),
                offers -> client.initiateCall(self, calleeUserId, media, offers));
        CallLeg leg = leg(status.callId());
        synchronized (leg) {
            leg.peerUserId = calleeUserId;
        }
        return status;
    }

    /** Answers a ringing call on this device: {@code answer} (SDP text) is encrypted for the caller's device. */
    public CallStatus answer(CallFrame ring, String answer) {
        CallLeg leg = leg(ring.callId());
        synchronized (leg) {
            leg.peerUserId = ring.callerUserId();
            leg.peerDeviceId = ring.callerDeviceId();
        }
        OutgoingCopy copy = messenger.encryptFor(
                ring.callerUserId(), ring.callerDeviceId(), answer.getBytes(StandardCharsets.UTF_8));
        return client.answerCall(self, ring.callId(), copy.type(), copy.content());
    }

    public CallStatus decline(UUID callId) {
        return client.declineCall(self, callId);
    }

    /** Hangs up: cancels the call while it rings (the caller), ends it once accepted. */
    public CallStatus end(UUID callId) {
        return client.endCall(self, callId);
    }

    /**
     * Sends ICE candidates ({@code candidate:...} lines) to the call's other device, each encrypted for it: the
     * answering device for the caller (known from the {@code accepted} frame), the caller's device for the callee.
     */
    public IceSent sendIce(UUID callId, List<String> candidates) {
        Peer peer = peer(leg(callId), callId);
        return sendIce(callId, peer.userId(), peer.deviceId(), candidates);
    }

    /** {@link #sendIce(UUID, List)} to a given peer device. */
    public IceSent sendIce(UUID callId, String peerUserId, int peerDeviceId, List<String> candidates) {
        if (candidates.isEmpty() || candidates.size() > MAX_CANDIDATES_PER_BATCH) {
            throw new IllegalArgumentException("1.." + MAX_CANDIDATES_PER_BATCH + " candidates per batch");
        }
        List<OutgoingCopy> encrypted = new ArrayList<>();
        for (String candidate : candidates) {
            if (!candidate.startsWith("candidate:")) {
                throw new IllegalArgumentException("an ICE candidate starts with 'candidate:'");
            }
            encrypted.add(messenger.encryptFor(peerUserId, peerDeviceId, candidate.getBytes(StandardCharsets.UTF_8)));
        }
        return client.sendIceCandidates(self, callId, encrypted);
    }

    /**
     * The candidates the peer sent to this device that were not handed over yet (neither by an earlier poll nor by
     * an {@code ice} frame), decrypted, oldest first; the call's cursor moves past them.
     */
    public List<IceCandidate> pollIce(UUID callId) {
        CallLeg leg = leg(callId);
        long after;
        synchronized (leg) {
            after = leg.cursor;
        }
        IcePage page = client.iceCandidates(self, callId, after);
        List<IceCandidate> fresh = new ArrayList<>();
        for (IcePage.Candidate candidate : page.candidates()) {
            Peer peer = peer(leg, callId);
            String text = decryptIce(leg, candidate.seq(), peer, candidate.type(), candidate.content());
            if (text != null) {
                fresh.add(new IceCandidate(callId, candidate.seq(), peer.address(), text));
            }
        }
        synchronized (leg) {
            leg.cursor = Math.max(leg.cursor, page.cursor());
        }
        return fresh;
    }

    /** One page of this user's calls with {@code otherUser}, newest first. */
    public CallHistory history(String otherUser, @Nullable Long before, int limit) {
        return client.callHistory(self, otherUser, before, limit);
    }

    public TurnCredentials turn() {
        return client.turnCredentials(self);
    }

    /**
     * A socket listener that hands {@code call} frames, decrypted, to {@code calls} and everything else to
     * {@code next} (e.g. {@link SecureMessenger#listener}). A malformed call frame goes to {@code next.onError}.
     */
    public DeviceSocketListener listener(CallListener calls, DeviceSocketListener next) {
        return new CallFrameListener(calls, next);
    }

    /** Decrypts one call frame (used by {@link #listener}); an ICE candidate handed over before gives null. */
    public @Nullable CallSignal decrypt(CallFrame frame) {
        CallLeg leg = leg(frame.callId());
        byte[] content = frame.content();
        String senderUser = frame.senderUserId();
        if (senderUser == null) {
            if (frame.event().equals(CallFrame.ACCEPTED) || frame.event().equals(CallFrame.RING)) {
                // a frame that should carry a ciphertext but does not: reported, not dropped
                return new CallSignal(frame, null, new UndecryptablePayloadException("no ciphertext", null, false));
            }
            return new CallSignal(frame, null, null);
        }
        synchronized (leg) {
            leg.peerUserId = senderUser;
            leg.peerDeviceId = frame.senderDeviceId();
        }
        if (frame.event().equals(CallFrame.ICE)) {
            long seq = frame.longAttribute("seq", -1);
            Peer peer = new Peer(senderUser, frame.senderDeviceId());
            String text = decryptIce(leg, seq, peer, frame.ciphertextType(), content);
            return text == null ? null : new CallSignal(frame, text, null);
        }
        try {
            byte[] plaintext = messenger.decrypt(senderUser, frame.senderDeviceId(), frame.ciphertextType(), content);
            return new CallSignal(frame, new String(plaintext, StandardCharsets.UTF_8), null);
        } catch (UndecryptablePayloadException e) {
            return new CallSignal(frame, null, e);
        }
    }

    /** The text of candidate {@code seq}, or null when it was handed over before (or cannot be decrypted). */
    private @Nullable String decryptIce(CallLeg leg, long seq, Peer sender, int type, byte[] content) {
        synchronized (leg) {
            if (seq >= 0 && !leg.seen.add(seq)) {
                return null;
            }
        }
        try {
            return new String(
                    messenger.decrypt(sender.userId(), sender.deviceId(), type, content), StandardCharsets.UTF_8);
        } catch (UndecryptablePayloadException e) {
            synchronized (leg) {
                leg.undecryptable++;
            }
            return null;
        }
    }

    /** ICE candidates of a call that could not be decrypted so far. */
    public int undecryptableIce(UUID callId) {
        CallLeg leg = leg(callId);
        synchronized (leg) {
            return leg.undecryptable;
        }
    }

    private static Peer peer(CallLeg leg, UUID callId) {
        synchronized (leg) {
            if (leg.peerUserId == null || leg.peerDeviceId == null) {
                throw new IllegalStateException("the peer device of call " + callId + " is not known on this device");
            }
            return new Peer(leg.peerUserId, leg.peerDeviceId);
        }
    }

    /** The call's other device. */
    private record Peer(String userId, int deviceId) {
        String address() {
            return userId + "." + deviceId;
        }
    }

    private CallLeg leg(UUID callId) {
        synchronized (calls) {
            return calls.computeIfAbsent(callId, ignored -> new CallLeg());
        }
    }

    /** What this device knows of one call: the peer device, the ICE cursor and the candidates handed over. */
    private static final class CallLeg {
        @Nullable
        String peerUserId;

        @Nullable
        Integer peerDeviceId;

        long cursor;
        int undecryptable;
        final Set<Long> seen = new HashSet<>();
    }

    /** Hands call frames to the call listener, the rest to the next listener. */
    private final class CallFrameListener implements DeviceSocketListener {

        private final CallListener calls;
        private final DeviceSocketListener next;

        CallFrameListener(CallListener calls, DeviceSocketListener next) {
            this.calls = calls;
            this.next = next;
        }

        @Override
        public void onEnvelope(Envelope envelope) {
            next.onEnvelope(envelope);
        }

        @Override
        public void onEvent(DeviceEvent event) {
            if (!DeviceEvent.CALL.equals(event.type())) {
                next.onEvent(event);
                return;
            }
            CallFrame frame;
            try {
                frame = event.call();
            } catch (MalformedFrameException e) {
                next.onError(e);
                return;
            }
            CallSignal signal = decrypt(frame);
            if (signal != null) {
                calls.onCall(signal);
            }
        }

        @Override
        public void onQueueEmpty() {
            next.onQueueEmpty();
        }

        @Override
        public void onError(Throwable error) {
            next.onError(error);
        }

        @Override
        public void onClose(CloseStatus status) {
            next.onClose(status);
        }

        @Override
        public void onDisconnected(CloseStatus status) {
            next.onDisconnected(status);
        }

        @Override
        public void onReconnecting(int attempt, Duration delay) {
            next.onReconnecting(attempt, delay);
        }

        @Override
        public void onReconnected(int attempt) {
            next.onReconnected(attempt);
        }
    }
}
