package io.socialink.client.cli;

import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.auth.DeviceKeys;
import io.socialink.client.store.CredentialStore;
import io.socialink.client.store.StoredProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.net.URI;
import java.util.concurrent.Callable;

/** Registers a new device of a user and stores it as a profile; prints the deviceId. */
@Command(name = "register", description = "Register a new device and store its credentials; prints the deviceId.")
final class RegisterCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--user", required = true, paramLabel = "ID", description = "The user id ([A-Za-z0-9_-]{1,64}).")
    String userId;

    @Option(names = "--profile", paramLabel = "NAME", description = "Profile name (default: the user id).")
    String profile;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "http://localhost:8080",
            description = "Gateway URL (default: ${DEFAULT-VALUE}).")
    URI server;

    @Mixin
    StoreOption storeOption;

    @Override
    public Integer call() {
        String name = profile != null ? profile : userId;
        CredentialStore store = storeOption.store();
        // validates the name before the device is registered, so a bad name wastes no device slot
        boolean replacing = store.find(name).isPresent();
        byte[] identityKey = DeviceKeys.randomIdentityKey();
        DeviceCredentials credentials = new SocialinkClient(server)
                .register(userId, DeviceKeys.randomRegistrationId(), identityKey);
        store.save(new StoredProfile(name, credentials, identityKey, server));
        if (replacing) {
            spec.commandLine().getErr().println("replaced profile '" + name + "' in " + store.directory());
        }
        spec.commandLine().getOut().println(credentials.deviceId());
        return 0;
    }
}
