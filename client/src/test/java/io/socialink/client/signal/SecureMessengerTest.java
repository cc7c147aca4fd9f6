package io.socialink.client.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.client.api.ProblemException;
import io.socialink.client.api.SendResult;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.auth.PlatformTokens;
import io.socialink.client.keys.DeviceKeyMaterial;
import io.socialink.client.keys.PreKeyStats;
import io.socialink.client.socket.DeviceEvent;
import io.socialink.client.socket.DeviceSocketListener;
import io.socialink.client.socket.Envelope;
import io.socialink.client.store.SignalFileStore;
import io.socialink.client.testing.FakeGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import tools.jackson.databind.JsonNode;

class SecureMessengerTest {

    @TempDir
    Path temp;

    private FakeGateway gateway;
    private SocialinkClient client;
    private final List<SecureMessenger> messengers = new ArrayList<>();

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
    void shouldEncryptOneCopyPerDeviceThatEachDeviceDecrypts() throws Exception {
        // given alice and bob with two devices each
        SecureMessenger alice1 = device("alice");
        SecureMessenger alice2 = device("alice");
        SecureMessenger bob1 = device("bob");
        SecureMessenger bob2 = device("bob");

        // when alice 1 writes to bob twice
        alice1.send("bob", bytes("hello bob"));
        alice1.send("bob", bytes("again"));

        // then every other device decrypts each message, and no copy carries the plaintext
        List<JsonNode> sends = gateway.acceptedSends();
        assertThat(sends).hasSize(2);
        assertThat(decryptAll(sends.get(0), Map.of("bob.1", bob1, "bob.2", bob2, "alice.2", alice2), alice1))
                .containsOnly("hello bob")
                .hasSize(3);
        assertThat(decryptAll(sends.get(1), Map.of("bob.1", bob1, "bob.2", bob2, "alice.2", alice2), alice1))
                .containsOnly("again")
                .hasSize(3);
        assertThat(sends.toString()).doesNotContain(base64("hello bob"));
        // the first send learnt alice's other device from a 409, the second needed no correction
        assertThat(gateway.requests("POST", "/api/v1/messages/send/alice")).hasSize(3);
    }

    @Test
    void shouldSendNoteToSelfToTheOwnOtherDevicesOnly() throws Exception {
        // given
        SecureMessenger alice1 = device("alice");
        SecureMessenger alice2 = device("alice");

        // when
        SendResult result = alice1.send("alice", bytes("note"));

        // then
        assertThat(result.deviceCount()).isEqualTo(1);
        assertThat(decryptAll(gateway.acceptedSends().get(0), Map.of("alice.2", alice2), alice1))
                .containsExactly("note");
    }

    @Test
    void shouldStartASessionWithANewDeviceAfterA409AndRetryWithTheSameKey() throws Exception {
        // given alice has sessions with bob's only device
        SecureMessenger alice = device("alice");
        SecureMessenger bob1 = device("bob");
        alice.send("bob", bytes("one"));

        // when bob adds a device and alice writes again
        SecureMessenger bob2 = device("bob");
        alice.send("bob", "key-2", bytes("two"));

        // then the first attempt got a 409, the retry with the same key reached both devices
        List<FakeGateway.Request> sends = gateway.requests("POST", "/api/v1/messages/send/alice");
        assertThat(sends).hasSize(3);
        assertThat(sends.get(1).body()).contains("\"key-2\"");
        assertThat(sends.get(2).body()).contains("\"key-2\"");
        JsonNode accepted = gateway.acceptedSends().get(1);
        assertThat(decryptAll(accepted, Map.of("bob.1", bob1, "bob.2", bob2), alice))
                .containsExactly("two", "two");
        assertThat(gateway.requests("GET", "/api/v1/keys/bundle/bob")).hasSize(2);
    }

    @Test
    void shouldDropTheSessionOfARemovedDeviceAfterA409() throws Exception {
        // given
        SecureMessenger alice = device("alice");
        SecureMessenger bob1 = device("bob");
        SecureMessenger bob2 = device("bob");
        alice.send("bob", bytes("one"));

        // when bob's second device leaves and alice writes again
        client.deactivate(bob2.device(), 2);
        SendResult result = alice.send("bob", bytes("two"));

        // then
        assertThat(result.deviceCount()).isEqualTo(1);
        assertThat(alice.store().sessionDevices("bob")).containsExactly(1);
        assertThat(decryptAll(gateway.acceptedSends().get(1), Map.of("bob.1", bob1), alice))
                .containsExactly("two");
    }

    @Test
    void shouldStartAFreshSessionWithAReinstalledDeviceAfterA410() throws Exception {
        // given alice talks with bob's device 1
        SecureMessenger alice = device("alice");
        device("bob");
        alice.send("bob", bytes("before"));

        // when bob reinstalls device 1 (new keys, new registration id) and alice writes again
        gateway.replaceOnNextRegistration("bob", 1);
        SecureMessenger reinstalled = device("bob");
        alice.send("bob", bytes("after"));

        // then the stale session was replaced and the new installation decrypts
        assertThat(reinstalled.device().deviceId()).isEqualTo(1);
        List<FakeGateway.Request> sends = gateway.requests("POST", "/api/v1/messages/send/alice");
        assertThat(sends).hasSize(3);
        assertThat(decryptAll(gateway.acceptedSends().get(1), Map.of("bob.1", reinstalled), alice))
                .containsExactly("after");
    }

    @Test
    void shouldGiveUpWhenTheDestinationHasNoDevice() {
        // given
        SecureMessenger alice = device("alice");

        // when / then
        assertThatThrownBy(() -> alice.send("nobody", bytes("hi")))
                .isInstanceOfSatisfying(ProblemException.class, problem -> assertThat(problem.status())
                        .isEqualTo(404));
        assertThat(gateway.requests("POST", "/api/v1/messages/send/alice")).isEmpty();
    }

    @Test
    void shouldKeepDecryptingAfterTheReceiverRestarts() throws Exception {
        // given bob decrypted alice's first message
        SecureMessenger alice = device("alice");
        SecureMessenger bob = device("bob");
        alice.send("bob", bytes("first"));
        decryptAll(gateway.acceptedSends().get(0), Map.of("bob.1", bob), alice);

        // when bob restarts from his store directory and alice writes again
        SecureMessenger bobAgain = new SecureMessenger(
                client, bob.device(), SignalFileStore.open(bob.store().directory()));
        messengers.add(bobAgain);
        alice.send("bob", bytes("second"));

        // then
        assertThat(decryptAll(gateway.acceptedSends().get(1), Map.of("bob.1", bobAgain), alice))
                .containsExactly("second");
    }

    @Test
    void shouldReportAReplayAsDuplicate() throws Exception {
        // given
        SecureMessenger alice = device("alice");
        SecureMessenger bob = device("bob");
        alice.send("bob", bytes("once"));
        Envelope envelope =
                envelope(gateway.acceptedSends().get(0).path("messages").get(0), alice.device());
        bob.decrypt(envelope);

        // when / then
        assertThatThrownBy(() -> bob.decrypt(envelope))
                .isInstanceOfSatisfying(UndecryptableMessageException.class, error -> assertThat(error.duplicate())
                        .isTrue());
    }

    @Test
    void shouldRefillOneTimePreKeysOnALowPreKeysEvent() throws Exception {
        // given bob's directory entry has 3 one-time prekeys of each kind left
        SecureMessenger bob = device("bob", 5);
        for (int i = 0; i < 2; i++) {
            client.bundle(device("carol-" + i).device(), "bob");
        }
        CompletableFuture<PreKeyStats> refilled = new CompletableFuture<>();
        DeviceSocketListener listener = bob.listener(new SecureMessageListener() {
            @Override
            public void onMessage(DecryptedMessage message) {}

            @Override
            public void onPreKeysRefilled(PreKeyStats stats) {
                refilled.complete(stats);
            }

            @Override
            public void onError(Throwable error) {
                refilled.completeExceptionally(error);
            }
        });

        // when the server says they run low
        listener.onEvent(new DeviceEvent(
                DeviceEvent.LOW_PREKEYS, UUID.randomUUID(), Map.of("ecPreKeys", "3", "pqPreKeys", "3")));

        // then bob uploads up to 100 of each, keeps their private halves and signs the Kyber keys
        PreKeyStats stats = refilled.get(10, TimeUnit.SECONDS);
        assertThat(stats.ecPreKeys()).isEqualTo(100);
        assertThat(stats.pqPreKeys()).isEqualTo(100);
        assertThat(bob.store().preKeyCount()).isEqualTo(5 + 97);
        assertThat(bob.store().pqPreKeyCount()).isEqualTo(5 + 97);
        ECPublicKey identity =
                new IdentityKey(bob.store().getIdentityKeyPair().getPublicKey().serialize()).getPublicKey();
        assertThat(gateway.keys("bob", 1).pqPreKeys()).allSatisfy(key -> assertThat(identity.verifySignature(
                        Base64.getDecoder().decode(key.path("publicKey").asString()),
                        Base64.getDecoder().decode(key.path("signature").asString())))
                .isTrue());
    }

    private SecureMessenger device(String userId) {
        return device(userId, 10);
    }

    private SecureMessenger device(String userId, int oneTimePreKeys) {
        DeviceKeyMaterial keys = DeviceKeyMaterial.generate(oneTimePreKeys);
        DeviceCredentials credentials = client.register(userId, keys.publicKeys());
        SignalFileStore store =
                SignalFileStore.create(temp.resolve(credentials.address() + "-" + UUID.randomUUID()), keys);
        SecureMessenger messenger = new SecureMessenger(client, credentials, store);
        messengers.add(messenger);
        return messenger;
    }

    /** Decrypts each copy of an accepted send with the messenger of its device. */
    private static List<String> decryptAll(
            JsonNode send, Map<String, SecureMessenger> byAddress, SecureMessenger sender)
            throws UndecryptableMessageException {
        List<String> texts = new ArrayList<>();
        for (JsonNode copy : send.path("messages")) {
            String address =
                    copy.path("userId").asString() + "." + copy.path("deviceId").asInt();
            SecureMessenger receiver = byAddress.get(address);
            assertThat(receiver).as("a messenger for " + address).isNotNull();
            texts.add(receiver.decrypt(envelope(copy, sender.device())).text());
        }
        return texts;
    }

    private static Envelope envelope(JsonNode copy, DeviceCredentials sender) {
        return new Envelope(
                UUID.randomUUID(),
                sender.userId(),
                sender.deviceId(),
                copy.path("type").asInt(),
                Base64.getDecoder().decode(copy.path("content").asString()),
                System.currentTimeMillis(),
                null);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(bytes(text));
    }
}
