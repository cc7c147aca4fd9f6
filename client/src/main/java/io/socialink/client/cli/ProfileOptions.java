package io.socialink.client.cli;

import io.socialink.client.api.SocialinkClient;
import io.socialink.client.signal.SecureMessenger;
import io.socialink.client.store.SignalFileStore;
import io.socialink.client.store.StoredProfile;
import java.net.URI;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Selects a stored device ({@code --as}) and, optionally, another server than the one it registered with. */
final class ProfileOptions {

    @Option(names = "--as", required = true, paramLabel = "PROFILE", description = "The stored device to act as.")
    String profile;

    @Option(names = "--server", paramLabel = "URL", description = "Gateway URL (default: the profile's server).")
    URI server;

    @Mixin
    StoreOption store;

    StoredProfile load() {
        return store.store().load(profile);
    }

    SocialinkClient client(StoredProfile stored) {
        return new SocialinkClient(server != null ? server : stored.server());
    }

    /** The device's persistent libsignal state and a messenger over it. */
    SecureMessenger messenger(StoredProfile stored) {
        SignalFileStore keys = SignalFileStore.open(store.store().signalDirectory(stored.profile()));
        return new SecureMessenger(client(stored), stored.credentials(), keys);
    }
}
