package io.socialink.client.e2e;

import io.socialink.client.api.SendResult;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.keys.DeviceKeyMaterial;
import io.socialink.client.keys.PreKeyStats;
import io.socialink.client.signal.DecryptedMessage;
import io.socialink.client.signal.SecureMessageListener;
import io.socialink.client.signal.SecureMessenger;
import io.socialink.client.signal.UndecryptableMessageException;
import io.socialink.client.socket.DeviceSocket;
import io.socialink.client.socket.Envelope;
import io.socialink.client.store.SignalFileStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One registered device with real libsignal keys in its own file store, its socket connected, and what it
 * decrypted (and failed to decrypt) in arrival order.
 */
final class SecureDevice implements SecureMessageListener, AutoCloseable {

    final DeviceCredentials credentials;
    final SecureMessenger messenger;
    private final SocialinkClient client;
    private final List<DecryptedMessage> messages = new ArrayList<>();
    private final List<String> undecryptable = new ArrayList<>();
    private final List<PreKeyStats> refills = new ArrayList<>();
    private DeviceSocket socket;

    private SecureDevice(SocialinkClient client, DeviceCredentials credentials, SecureMessenger messenger) {
        this.client = client;
        this.credentials = credentials;
        this.messenger = messenger;
    }

    /** Registers a device of {@code userId} with 100 one-time prekeys of each kind and connects its socket. */
    static SecureDevice online(SocialinkClient client, String userId, Path stores) {
        return online(client, userId, stores, 100);
    }

    /** An online device with {@code oneTimePreKeys} one-time prekeys of each kind. */
    static SecureDevice online(SocialinkClient client, String userId, Path stores, int oneTimePreKeys) {
        SecureDevice device = offline(client, userId, stores, oneTimePreKeys);
        device.connect();
        return device;
    }

    /** Registers a device of {@code userId} without connecting it: what is sent to it waits in its queue. */
    static SecureDevice offline(SocialinkClient client, String userId, Path stores) {
        return offline(client, userId, stores, 100);
    }

    private static SecureDevice offline(SocialinkClient client, String userId, Path stores, int oneTimePreKeys) {
        DeviceKeyMaterial keys = DeviceKeyMaterial.generate(oneTimePreKeys);
        DeviceCredentials credentials = client.register(userId, keys.publicKeys());
        SignalFileStore store =
                SignalFileStore.create(stores.resolve(credentials.address() + "-" + UUID.randomUUID()), keys);
        return new SecureDevice(client, credentials, new SecureMessenger(client, credentials, store));
    }

    void connect() {
        socket = DeviceSocket.connect(client, credentials, messenger.listener(this));
    }

    DeviceSocket socket() {
        return socket;
    }

    SendResult send(String destination, String text) {
        return messenger.send(destination, text.getBytes(StandardCharsets.UTF_8));
    }

    String address() {
        return credentials.address();
    }

    @Override
    public synchronized void onMessage(DecryptedMessage message) {
        messages.add(message);
        notifyAll();
    }

    @Override
    public synchronized void onPreKeysRefilled(PreKeyStats stats) {
        refills.add(stats);
        notifyAll();
    }

    /** Waits for the messenger's first prekey refill; null when none came in time. */
    synchronized PreKeyStats awaitRefill(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (refills.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return refills.get(0);
    }

    @Override
    public synchronized void onUndecryptable(Envelope envelope, UndecryptableMessageException error) {
        undecryptable.add(envelope.senderAddress() + ": " + error.getMessage());
        notifyAll();
    }

    synchronized List<String> texts() {
        return messages.stream().map(DecryptedMessage::text).toList();
    }

    synchronized List<DecryptedMessage> messages() {
        return List.copyOf(messages);
    }

    synchronized List<String> undecryptable() {
        return List.copyOf(undecryptable);
    }

    /** Waits until a message with this text was decrypted; answers whether it was. */
    synchronized boolean awaitText(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!texts().contains(text)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
        messenger.close();
    }

    @Override
    public String toString() {
        return "SecureDevice[" + address() + "]";
    }
}
