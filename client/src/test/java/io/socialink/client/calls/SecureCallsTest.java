package io.socialink.client.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.client.api.DeviceMismatch;
import io.socialink.client.api.OutgoingCopy;
import io.socialink.client.api.ProblemException;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.auth.PlatformTokens;
import io.socialink.client.keys.DeviceKeyMaterial;
import io.socialink.client.signal.SecureMessenger;
import io.socialink.client.socket.CallFrame;
import io.socialink.client.socket.DeviceEvent;
import io.socialink.client.socket.DeviceSocketListener;
import io.socialink.client.socket.Envelope;
import io.socialink.client.socket.FrameParser;
import io.socialink.client.store.SignalFileStore;
import io.socialink.client.testing.FakeGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crypto side of calls with real libsignal sessions (the fake gateway only hands out bundles): a ring's offer,
 * an accepted frame's answer and ICE candidates decrypt at the peer device, each candidate once however often it
 * arrives, and call frames reach the call listener while other frames go on to the next listener.
 */
class SecureCallsTest {

    private static final UUID CALL_ID = UUID.randomUUID();

    @TempDir
    Path temp;

    private FakeGateway gateway;
    private SocialinkClient client;
    private final List<SecureMessenger> messengers = new ArrayList<>();
    private final FrameParser parser = new FrameParser();

    @BeforeEach
    void startGateway() throws Exception {
        gateway = new FakeGateway();
        client = new SocialinkClient(
                gateway.url(),
                SocialinkClient.defaultHttpClient(),
                new PlatformTokens(PlatformTokens.DEFAULT_SECRET),
                Duration.ofSeconds(5));
    }

    @AfterEach
    void stopGateway() {
        messengers.forEach(SecureMessenger::close);
        gateway.close();
    }

    @Test
    void shouldDecryptTheOfferTheAnswerAndEachIceCandidateOnceAtThePeerDevice() throws Exception {
        // given alice's device encrypted an offer for bob's device (its bundle fetched), as an initiate does
        SecureMessenger alice = device("alice");
        SecureMessenger bob = device("bob");
        SecureCalls aliceCalls = new SecureCalls(alice);
        SecureCalls bobCalls = new SecureCalls(bob);
        String offer = "v=0\r\ns=offer-tag\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n";
        OutgoingCopy offerCopy = alice.encryptFor("bob", 1, bytes(offer));

        // when bob's socket gets the ring
        CallSignal ring = bobCalls.decrypt(frame("ring", "alice", 1, offerCopy, ""));

        // then bob reads the offer, and the server-side copy does not carry it
        assertThat(ring).isNotNull();
        assertThat(ring.error()).isNull();
        assertThat(ring.text()).isEqualTo(offer);
        assertThat(new String(offerCopy.content(), StandardCharsets.ISO_8859_1)).doesNotContain("offer-tag");

        // when bob answers for alice's device and alice's socket gets the accepted frame
        String answer = "v=0\r\ns=answer-tag\r\n";
        OutgoingCopy answerCopy = bob.encryptFor("alice", 1, bytes(answer));
        CallSignal accepted = aliceCalls.decrypt(frame("accepted", "bob", 1, answerCopy, ""));

        // then
        assertThat(accepted).isNotNull();
        assertThat(accepted.text()).isEqualTo(answer);

        // when bob sends two candidates and the first one's frame arrives twice (e.g. pushed on two connections)
        String first = "candidate:1 1 udp 2122260223 192.168.1.20 50000 typ host generation 0 ufrag t";
        String second = "candidate:2 1 udp 1686052607 203.0.113.9 50001 typ srflx generation 0 ufrag t";
        OutgoingCopy firstCopy = bob.encryptFor("alice", 1, bytes(first));
        OutgoingCopy secondCopy = bob.encryptFor("alice", 1, bytes(second));
        CallSignal one = aliceCalls.decrypt(frame("ice", "bob", 1, firstCopy, ", \"seq\": \"1\""));
        CallSignal again = aliceCalls.decrypt(frame("ice", "bob", 1, firstCopy, ", \"seq\": \"1\""));
        CallSignal two = aliceCalls.decrypt(frame("ice", "bob", 1, secondCopy, ", \"seq\": \"2\""));

        // then each is handed over once, decrypted
        assertThat(one).isNotNull();
        assertThat(one.text()).isEqualTo(first);
        assertThat(again).isNull();
        assertThat(two).isNotNull();
        assertThat(two.text()).isEqualTo(second);
        assertThat(aliceCalls.undecryptableIce(CALL_ID)).isZero();
    }

    @Test
    void shouldEncryptTheOfferForEveryCalleeDeviceAndCorrectTheDeviceListOnA409() throws Exception {
        // given alice (two devices) knows bob's first device only, and bob has since added a second one
        SecureMessenger alice = device("alice");
        device("alice");
        SecureMessenger bob1 = device("bob");
        alice.encryptFor("bob", 1, bytes("hello"));
        SecureMessenger bob2 = device("bob");
        List<List<OutgoingCopy>> attempts = new ArrayList<>();

        // when the offer is posted and the first attempt is refused as the gateway would refuse it
        String result = alice.encryptForDevicesOf("bob", bytes("v=0\r\ns=offer\r\n"), offers -> {
            attempts.add(offers);
            if (attempts.size() == 1) {
                throw new ProblemException(
                        409,
                        ProblemException.TYPE_PREFIX + "device-mismatch",
                        "Device mismatch",
                        null,
                        List.of(new DeviceMismatch("bob", List.of(2), List.of())),
                        List.of());
            }
            return "posted";
        });

        // then the second attempt has one copy per device of bob, none for alice's own other device, each
        // decryptable by its device only
        assertThat(result).isEqualTo("posted");
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0)).extracting(OutgoingCopy::deviceId).containsExactly(1);
        assertThat(attempts.get(1)).extracting(OutgoingCopy::userId).containsOnly("bob");
        assertThat(attempts.get(1)).extracting(OutgoingCopy::deviceId).containsExactlyInAnyOrder(1, 2);
        for (OutgoingCopy copy : attempts.get(1)) {
            SecureMessenger receiver = copy.deviceId() == 1 ? bob1 : bob2;
            assertThat(new String(receiver.decrypt("alice", 1, copy.type(), copy.content()), StandardCharsets.UTF_8))
                    .isEqualTo("v=0\r\ns=offer\r\n");
        }
        assertThatThrownBy(() -> alice.encryptForDevicesOf("alice", bytes("x"), offers -> "no"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldReportACiphertextForAnotherDeviceAsUndecryptable() throws Exception {
        // given an offer encrypted for bob's first device
        SecureMessenger alice = device("alice");
        device("bob");
        SecureMessenger bob2 = device("bob");
        OutgoingCopy forBob1 = alice.encryptFor("bob", 1, bytes("v=0\r\n"));

        // when bob's second device gets it
        CallSignal signal = new SecureCalls(bob2).decrypt(frame("ring", "alice", 1, forBob1, ""));

        // then it is reported, not thrown
        assertThat(signal).isNotNull();
        assertThat(signal.text()).isNull();
        assertThat(signal.error()).isNotNull();
    }

    @Test
    void shouldHandCallFramesToTheCallListenerAndTheRestToTheNextListener() throws Exception {
        // given
        SecureMessenger alice = device("alice");
        SecureMessenger bob = device("bob");
        OutgoingCopy offerCopy = alice.encryptFor("bob", 1, bytes("v=0\r\ns=x\r\n"));
        List<CallSignal> calls = new ArrayList<>();
        List<String> others = new ArrayList<>();
        DeviceSocketListener next = new DeviceSocketListener() {
            @Override
            public void onEnvelope(Envelope envelope) {
                others.add("envelope");
            }

            @Override
            public void onEvent(DeviceEvent event) {
                others.add(event.type());
            }
        };
        DeviceSocketListener listener = new SecureCalls(bob).listener(calls::add, next);

        // when
        listener.onEvent((DeviceEvent) parser.parse(frameText("ring", "alice", 1, offerCopy, "")));
        listener.onEvent(new DeviceEvent("receipt", UUID.randomUUID(), java.util.Map.of()));
        listener.onEvent((DeviceEvent) parser.parse("{\"type\": \"call\", \"event\": \"missed\", \"callId\": \""
                + CALL_ID + "\", \"callerUserId\": \"alice\", \"callerDeviceId\": \"1\", \"calleeUserId\": \"bob\","
                + " \"media\": \"video\"}"));

        // then
        assertThat(calls).extracting(CallSignal::event).containsExactly("ring", "missed");
        assertThat(calls.get(0).text()).isEqualTo("v=0\r\ns=x\r\n");
        assertThat(others).containsExactly("receipt");
    }

    @Test
    void shouldRefuseCandidatesThatAreNoIceCandidatesBeforeSendingAnything() {
        // given
        SecureCalls alice = new SecureCalls(device("alice"));

        // then
        assertThatThrownBy(() -> alice.sendIce(CALL_ID, "bob", 1, List.of("not a candidate")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> alice.sendIce(CALL_ID, "bob", 1, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> alice.initiate("bob", "hologram", "v=0")).isInstanceOf(IllegalArgumentException.class);
        assertThat(gateway.requests("POST", "/api/v1/calls")).isEmpty();
    }

    private CallFrame frame(String event, String senderUser, int senderDevice, OutgoingCopy copy, String extra) {
        return ((DeviceEvent) parser.parse(frameText(event, senderUser, senderDevice, copy, extra))).call();
    }

    /** A call frame as the gateway writes it: attributes as strings, the ciphertext as an envelope's. */
    private static String frameText(
            String event, String senderUser, int senderDevice, OutgoingCopy copy, String extra) {
        return "{\"type\": \"call\", \"messageId\": \"" + UUID.randomUUID() + "\", \"event\": \"" + event
                + "\", \"callId\": \"" + CALL_ID + "\", \"callerUserId\": \"alice\", \"callerDeviceId\": \"1\", "
                + "\"calleeUserId\": \"bob\", \"media\": \"video\"" + extra + ", \"sender\": {\"userId\": \""
                + senderUser + "\", \"deviceId\": " + senderDevice + "}, \"ciphertextType\": " + copy.type()
                + ", \"content\": \"" + Base64.getEncoder().encodeToString(copy.content()) + "\"}";
    }

    private SecureMessenger device(String userId) {
        DeviceKeyMaterial keys = DeviceKeyMaterial.generate(5);
        DeviceCredentials credentials = client.register(userId, keys.publicKeys());
        SignalFileStore store =
                SignalFileStore.create(temp.resolve(credentials.address() + "-" + UUID.randomUUID()), keys);
        SecureMessenger messenger = new SecureMessenger(client, credentials, store);
        messengers.add(messenger);
        return messenger;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
