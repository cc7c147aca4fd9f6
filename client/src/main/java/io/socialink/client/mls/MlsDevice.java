package io.socialink.client.mls;

import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.socket.DeviceSocket;
import io.socialink.client.socket.DeviceSocketListener;
import io.socialink.client.socket.SeenMessageIds;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One registered device doing MLS groups against a running gateway: its {@link MlsGroups}, an {@link MlsInbox} that
 * records what they reported (with blocking waits), and its socket. Meant to drive end-to-end tests, benchmarks and
 * demos:
 * <pre>{@code
 * MlsDevice alice = MlsDevice.online(client, "alice");          // registers, uploads KeyPackages, connects
 * MlsDevice bob = MlsDevice.online(client, "bob");
 * alice.groups().create(group);
 * alice.groups().add(group, List.of("bob"));                   // one Commit, Welcome to every bob device
 * bob.groups().awaitGroup(group, timeout);
 * alice.groups().send(group, bytes);
 * bob.inbox().awaitText(group, "hi", timeout);
 * alice.groups().remove(group, "bob"); bob.inbox().awaitDeparture(group, timeout);
 * }</pre>
 * Groups live in memory: closing the device loses them.
 */
public final class MlsDevice implements AutoCloseable {

    /** One-time KeyPackages {@link #online} uploads. */
    public static final int DEFAULT_KEY_PACKAGES = 10;

    private final SocialinkClient client;
    private final DeviceCredentials credentials;
    private final MlsInbox inbox;
    private final MlsGroups groups;
    private final SeenMessageIds seen = new SeenMessageIds();
    private volatile @Nullable DeviceSocket socket;

    public MlsDevice(SocialinkClient client, DeviceCredentials credentials, MlsInbox inbox) {
        this.client = Objects.requireNonNull(client, "client");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.inbox = Objects.requireNonNull(inbox, "inbox");
        this.groups = MlsGroups.forDevice(client, credentials, inbox);
    }

    /**
     * Registers a new device of {@code userId} (libsignal keys with one one-time prekey of each kind, private halves
     * not kept: this device does groups only), uploads {@link #DEFAULT_KEY_PACKAGES} one-time KeyPackages and a
     * last-resort one, and connects its socket.
     */
    public static MlsDevice online(SocialinkClient client, String userId) {
        return online(client, client.register(userId, 1), DEFAULT_KEY_PACKAGES);
    }

    /** An already registered device: uploads {@code keyPackages} one-time KeyPackages (and a last-resort one), connects. */
    public static MlsDevice online(SocialinkClient client, DeviceCredentials credentials, int keyPackages) {
        MlsDevice device = new MlsDevice(client, credentials, new MlsInbox());
        device.groups.publishKeyPackages(keyPackages);
        device.connect();
        return device;
    }

    /** Connects (again) with the groups' socket listener; 1:1 envelopes and other events go to the inbox. */
    public DeviceSocket connect() {
        return connect(null);
    }

    /**
     * Connects with {@code others} (e.g. a {@code SecureMessenger} listener) receiving the non-group frames; every
     * socket of this device shares one {@link SeenMessageIds}, so copies pushed again after a reconnect are dropped.
     */
    public DeviceSocket connect(@Nullable DeviceSocketListener others) {
        DeviceSocket previous = socket;
        if (previous != null) {
            previous.close();
        }
        DeviceSocket connected = DeviceSocket.connect(client, credentials, groups.socketListener(others), seen);
        socket = connected;
        return connected;
    }

    public DeviceCredentials credentials() {
        return credentials;
    }

    /** {@code userId.deviceId}. */
    public String address() {
        return credentials.address();
    }

    public MlsGroups groups() {
        return groups;
    }

    public MlsInbox inbox() {
        return inbox;
    }

    /** The current socket; null before the first {@link #connect()}. */
    public @Nullable DeviceSocket socket() {
        return socket;
    }

    @Override
    public void close() {
        DeviceSocket current = socket;
        if (current != null) {
            current.close();
        }
        groups.close();
    }

    @Override
    public String toString() {
        return "MlsDevice[" + address() + "]";
    }
}
