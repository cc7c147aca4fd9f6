package io.socialink.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.auth.DeviceKeys;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {

    @TempDir
    Path temp;

    @Test
    void shouldRoundTripAProfile() {
        // given
        CredentialStore store = new CredentialStore(temp.resolve("store"));
        byte[] identityKey = DeviceKeys.randomIdentityKey();
        StoredProfile profile = new StoredProfile(
                "bob-2",
                new DeviceCredentials("bob", 2, "secret", 815),
                identityKey,
                URI.create("http://localhost:8080"));

        // when
        store.save(profile);
        StoredProfile loaded = store.load("bob-2");

        // then
        assertThat(loaded.profile()).isEqualTo("bob-2");
        assertThat(loaded.credentials()).isEqualTo(profile.credentials());
        assertThat(loaded.identityKey()).isEqualTo(identityKey);
        assertThat(loaded.server()).isEqualTo(URI.create("http://localhost:8080"));
        assertThat(store.profiles()).containsExactly("bob-2");
    }

    @Test
    void shouldWriteFilesOnlyTheOwnerCanRead() throws Exception {
        // given
        Path directory = temp.resolve("store");
        CredentialStore store = new CredentialStore(directory);

        // when
        store.save(new StoredProfile(
                "alice",
                new DeviceCredentials("alice", 1, "secret", 1),
                DeviceKeys.randomIdentityKey(),
                URI.create("http://localhost:8080")));

        // then
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("alice.json"))))
                .isEqualTo("rw-------");
        try (var files = Files.list(directory)) {
            assertThat(files).containsExactly(directory.resolve("alice.json"));
        }
    }

    @Test
    void shouldReplaceAnExistingProfile() {
        // given
        CredentialStore store = new CredentialStore(temp);
        URI server = URI.create("http://localhost:8080");
        store.save(new StoredProfile("alice", new DeviceCredentials("alice", 1, "old", 1), new byte[33], server));

        // when
        store.save(new StoredProfile("alice", new DeviceCredentials("alice", 2, "new", 2), new byte[33], server));

        // then
        assertThat(store.load("alice").credentials().deviceSecret()).isEqualTo("new");
    }

    @Test
    void shouldReportAMissingProfile() {
        // given
        CredentialStore store = new CredentialStore(temp);

        // when / then
        assertThat(store.find("nobody")).isEmpty();
        assertThatThrownBy(() -> store.load("nobody"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("register it first");
    }

    @Test
    void shouldRejectProfileNamesThatEscapeTheDirectory() {
        // given
        CredentialStore store = new CredentialStore(temp);

        // when / then
        assertThatThrownBy(() -> store.find("../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.find(".hidden")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.find("")).isInstanceOf(IllegalArgumentException.class);
    }
}
