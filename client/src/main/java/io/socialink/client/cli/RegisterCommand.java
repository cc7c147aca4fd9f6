package io.socialink.client.cli;

import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.keys.DeviceKeyMaterial;
import io.socialink.client.keys.RegistrationKeys;
import io.socialink.client.store.CredentialStore;
import io.socialink.client.store.SignalFileStore;
import io.socialink.client.store.StoredProfile;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Registers a new device of a user with freshly generated libsignal keys (identity, signed EC prekey, Kyber
 * last-resort prekey, one-time prekeys) and stores its credentials and private keys under a profile; prints the
 * deviceId.
 */
@Command(name = "register", description = "Register a new device with fresh keys and store it; prints the deviceId.")
final class RegisterCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--user", required = true, paramLabel = "ID", description = "The user id ([A-Za-z0-9_-]{1,64}).")
    String userId;

    @Option(names = "--profile", paramLabel = "NAME", description = "Profile name (default: the user id).")
    String profile;

    @Option(
            names = "--server",
            paramLabel = "URL",
            defaultValue = "http://localhost:8080",
            description = "Gateway URL (default: ${DEFAULT-VALUE}).")
    URI server;

    @Option(
            names = "--prekeys",
            defaultValue = "100",
            paramLabel = "N",
            description = "One-time EC and Kyber prekeys to register, 0..100 (default: ${DEFAULT-VALUE}).")
    int oneTimePreKeys;

    @Mixin
    StoreOption storeOption;

    @Override
    public Integer call() {
        String name = profile != null ? profile : userId;
        CredentialStore store = storeOption.store();
        // validates the name before the device is registered, so a bad name wastes no device slot
        boolean replacing = store.find(name).isPresent();
        DeviceKeyMaterial keys = DeviceKeyMaterial.generate(oneTimePreKeys);
        RegistrationKeys publicKeys = keys.publicKeys();
        DeviceCredentials credentials = new SocialinkClient(server).register(userId, publicKeys);
        // keys first: a profile on disk always has the keys its device registered with
        SignalFileStore.create(store.signalDirectory(name), keys);
        store.save(new StoredProfile(name, credentials, publicKeys.identityKey(), server));
        if (replacing) {
            spec.commandLine().getErr().println("replaced profile '" + name + "' in " + store.directory());
        }
        spec.commandLine().getOut().println(credentials.deviceId());
        return 0;
    }
}
