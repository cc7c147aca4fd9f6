package io.socialink.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.client.api.ProblemException;
import io.socialink.client.api.SendResult;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.signal.DecryptedMessage;
import io.socialink.client.socket.CloseStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Real libsignal sessions end to end through the real gateway and delivery-worker: two users with two devices each
 * talk both ways, every device decrypts every message meant for it (its own user's sync copies included), Note to
 * Self reaches the other own device only, and the sender recovers by itself from 409s when the recipient adds or
 * deactivates a device.
 */
@ExtendWith(SharedLocalSystem.class)
class SignalConversationIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static LocalSystem system;
    private static SocialinkClient client;
    private static Path stores;
    private final List<SecureDevice> devices = new ArrayList<>();

    @BeforeAll
    static void useSharedSystem(LocalSystem shared) throws Exception {
        system = shared;
        client = system.client();
        stores = Files.createTempDirectory("signal-conversation");
    }

    @AfterEach
    void closeDevices() {
        devices.forEach(SecureDevice::close);
    }

    @Test
    void shouldLetTwoUsersWithTwoDevicesEachTalkBothWaysWithEveryDeviceDecrypting() throws Exception {
        // given alice and bob with two online devices each
        String alice = unique("alice");
        String bob = unique("bob");
        SecureDevice alice1 = device(alice);
        SecureDevice alice2 = device(alice);
        SecureDevice bob1 = device(bob);
        SecureDevice bob2 = device(bob);

        // when they write to each other from every device, in turns
        exchange(alice1, bob, "hi bob, from alice's first device", bob1, bob2, alice2);
        exchange(bob2, alice, "hi alice, from bob's second device", alice1, alice2, bob1);
        exchange(alice2, bob, "alice again, second device", bob1, bob2, alice1);
        exchange(bob1, alice, "bob again, first device", alice1, alice2, bob2);
        exchange(alice1, bob, "and once more", bob1, bob2, alice2);

        // then every device decrypted exactly the messages meant for it, nothing failed, and no device got its own
        assertThat(bob1.texts())
                .containsExactly(
                        "hi bob, from alice's first device",
                        "hi alice, from bob's second device",
                        "alice again, second device",
                        "and once more");
        assertThat(alice1.texts())
                .containsExactly(
                        "hi alice, from bob's second device", "alice again, second device", "bob again, first device");
        for (SecureDevice device : devices) {
            assertThat(device.undecryptable()).as(device + " undecryptable").isEmpty();
            assertThat(device.messages())
                    .as(device + " own messages")
                    .noneMatch(message -> message.envelope().senderAddress().equals(device.address()));
        }
        // after the replies the sessions run on plain Double Ratchet messages
        assertThat(bob1.messages().get(bob1.messages().size() - 1).envelope().ciphertextType())
                .isEqualTo(2);
    }

    @Test
    void shouldDeliverNoteToSelfToTheOtherOwnDeviceOnly() throws Exception {
        // given
        String alice = unique("alice");
        String bob = unique("bob");
        SecureDevice alice1 = device(alice);
        SecureDevice alice2 = device(alice);
        SecureDevice bob1 = device(bob);
        exchange(alice1, bob, "hello", bob1, alice2);

        // when
        SendResult note = alice1.send(alice, "note to self");

        // then
        assertThat(note.deviceCount()).isEqualTo(1);
        assertThat(alice2.awaitText("note to self", WAIT)).isTrue();
        exchange(alice1, bob, "after the note", bob1, alice2);
        assertThat(bob1.texts()).doesNotContain("note to self");
        assertThat(alice1.texts()).doesNotContain("note to self");
    }

    @Test
    void shouldRecoverFrom409WhenTheRecipientAddsAndDeactivatesDevices() throws Exception {
        // given alice talks with bob's two devices
        String alice = unique("alice");
        String bob = unique("bob");
        SecureDevice alice1 = device(alice);
        SecureDevice alice2 = device(alice);
        SecureDevice bob1 = device(bob);
        SecureDevice bob2 = device(bob);
        exchange(alice1, bob, "before the new device", bob1, bob2, alice2);

        // when bob adds a third device, alice's next send corrects itself and reaches it
        SecureDevice bob3 = device(bob);
        SendResult toThree = exchange(alice1, bob, "welcome, third device", bob1, bob2, bob3, alice2);

        // then
        assertThat(toThree.deviceCount()).isEqualTo(4);
        assertThat(bob3.texts()).containsExactly("welcome, third device");

        // when bob deactivates his second device
        client.deactivate(bob2.credentials, bob2.credentials.deviceId());

        // then its socket closes, its credentials stop working, and alice's next send skips it by itself
        CloseStatus closed = bob2.socket().closed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(closed).isNotNull();
        assertThatThrownBy(() -> client.devices(bob2.credentials, bob))
                .isInstanceOfSatisfying(ProblemException.class, problem -> assertThat(problem.status())
                        .isEqualTo(401));
        int bob2Received = bob2.texts().size();
        SendResult afterDeactivation = exchange(alice1, bob, "after the deactivation", bob1, bob3, alice2);
        assertThat(afterDeactivation.deviceCount()).isEqualTo(3);
        assertThat(bob2.texts()).hasSize(bob2Received).doesNotContain("after the deactivation");
        assertThat(alice1.messenger.store().sessionDevices(bob))
                .containsExactly(bob1.credentials.deviceId(), bob3.credentials.deviceId());

        // and bob's remaining devices can still answer alice's devices
        exchange(bob3, alice, "hello from the third device", alice1, alice2, bob1);
        for (SecureDevice device : devices) {
            assertThat(device.undecryptable()).as(device + " undecryptable").isEmpty();
        }
    }

    @Test
    void shouldRefillPreKeysWhenTheServerSaysTheyRunLow() throws Exception {
        // given bob's online device registered with just the threshold of one-time prekeys
        String bob = unique("bob");
        SecureDevice bob1 = device(bob, 10);
        SecureDevice alice1 = device(unique("alice"));

        // when alice's first message claims one of them
        exchange(alice1, bob, "this claims a prekey", bob1);

        // then bob's device hears low-prekeys and tops the directory up by itself
        assertThat(bob1.awaitRefill(WAIT)).isNotNull();
        assertThat(client.stats(bob1.credentials).ecPreKeys()).isEqualTo(100);
        assertThat(client.stats(bob1.credentials).pqPreKeys()).isEqualTo(100);
        exchange(device(unique("carol")), bob, "a session from a refilled prekey", bob1);
    }

    /** Sends and waits until every given device decrypted the text. */
    private static SendResult exchange(SecureDevice sender, String destination, String text, SecureDevice... receivers)
            throws InterruptedException {
        SendResult result = sender.send(destination, text);
        for (SecureDevice receiver : receivers) {
            assertThat(receiver.awaitText(text, WAIT))
                    .as(receiver + " decrypts '" + text + "'")
                    .isTrue();
            DecryptedMessage message = receiver.messages().stream()
                    .filter(m -> m.text().equals(text))
                    .findFirst()
                    .orElseThrow();
            assertThat(message.envelope().messageId()).isEqualTo(result.messageId());
            assertThat(message.envelope().senderAddress()).isEqualTo(sender.address());
        }
        return result;
    }

    private SecureDevice device(String userId) {
        return device(userId, 100);
    }

    private SecureDevice device(String userId, int oneTimePreKeys) {
        SecureDevice device = SecureDevice.online(client, userId, stores, oneTimePreKeys);
        devices.add(device);
        return device;
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
