package io.socialink.client.cli;

import io.socialink.client.store.CredentialStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --store} option shared by the commands that read or write profiles. */
final class StoreOption {

    @Option(
            names = "--store",
            paramLabel = "DIR",
            description = "Profile directory (default: $SOCIALINK_CLIENT_HOME or ~/.socialink).")
    Path directory;

    CredentialStore store() {
        return new CredentialStore(directory != null ? directory : CredentialStore.defaultDirectory());
    }
}
