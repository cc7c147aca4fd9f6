package io.socialink.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.store.CredentialStore;
import io.socialink.client.store.SignalFileStore;
import io.socialink.client.testing.FakeGateway;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

class SocialinkCliTest {

    @TempDir
    Path store;

    private FakeGateway gateway;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void startGateway() throws Exception {
        gateway = new FakeGateway();
    }

    @AfterEach
    void stopGateway() {
        gateway.close();
    }

    @Test
    void shouldRegisterADeviceAndStoreItUnderItsProfile() {
        // when
        int exit = run(
                "register",
                "--user",
                "bob",
                "--profile",
                "bob-phone",
                "--server",
                gateway.url().toString(),
                "--store",
                store.toString());

        // then
        assertThat(exit).isZero();
        assertThat(out.toString().strip()).isEqualTo("1");
        var profile = new CredentialStore(store).load("bob-phone");
        assertThat(profile.credentials().address()).isEqualTo("bob.1");
        assertThat(profile.server()).isEqualTo(gateway.url());
        assertThat(profile.identityKey()).hasSize(33);
    }

    @Test
    void shouldSendTheTextEncryptedForTheRecipientAndPrintTheMessageId() throws Exception {
        // given
        run("register", "--user", "alice", "--server", gateway.url().toString(), "--store", store.toString());
        run("register", "--user", "bob", "--server", gateway.url().toString(), "--store", store.toString());
        out.getBuffer().setLength(0);

        // when
        int exit = run("send", "--as", "alice", "--to", "bob", "--text", "Grüße", "--store", store.toString());

        // then
        assertThat(exit).isZero();
        assertThat(UUID.fromString(out.toString().strip())).isNotNull();
        JsonNode copy = gateway.acceptedSends().get(0).path("messages").get(0);
        byte[] content = Base64.getDecoder().decode(copy.path("content").asString());
        assertThat(new String(content, StandardCharsets.UTF_8)).doesNotContain("Grüße");
        assertThat(copy.path("type").asInt()).isEqualTo(CiphertextMessage.PREKEY_TYPE);
        SignalFileStore bob = SignalFileStore.open(new CredentialStore(store).signalDirectory("bob"));
        byte[] plaintext =
                new SessionCipher(bob, new SignalProtocolAddress("alice", 1)).decrypt(new PreKeySignalMessage(content));
        assertThat(new String(plaintext, StandardCharsets.UTF_8)).isEqualTo("Grüße");
    }

    @Test
    void shouldListDevicesOneLineEach() {
        // given
        run("register", "--user", "alice", "--server", gateway.url().toString(), "--store", store.toString());
        gateway.addDevice("bob", 7);
        gateway.addDevice("bob", 8);
        out.getBuffer().setLength(0);

        // when
        int exit = run("devices", "--as", "alice", "--user", "bob", "--store", store.toString());

        // then
        assertThat(exit).isZero();
        assertThat(out.toString().lines())
                .containsExactly(
                        "bob.1 registrationId=7 createdAt=2025-01-02T03:04:05Z",
                        "bob.2 registrationId=8 createdAt=2025-01-02T03:04:05Z");
    }

    @Test
    void shouldPrintTheProblemAndExitOneOnErrors() {
        // given
        run("register", "--user", "alice", "--server", gateway.url().toString(), "--store", store.toString());

        // when
        int exit = run("send", "--as", "alice", "--to", "nobody", "--text", "hi", "--store", store.toString());

        // then
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("Unknown user").contains("nobody has no active device");
    }

    @Test
    void shouldRefillPreKeysUpToOneHundredAndPrintTheStats() {
        // given a device registered with 7 one-time prekeys of each kind
        run(
                "register",
                "--user",
                "alice",
                "--prekeys",
                "7",
                "--server",
                gateway.url().toString(),
                "--store",
                store.toString());
        out.getBuffer().setLength(0);

        // when
        int stats = run("keys", "stats", "--as", "alice", "--store", store.toString());
        int refill = run("keys", "refill", "--as", "alice", "--store", store.toString());

        // then
        assertThat(stats).isZero();
        assertThat(refill).isZero();
        assertThat(out.toString().lines())
                .containsExactly(
                        "ecPreKeys=7 pqPreKeys=7 signedPreKeyAgeSeconds=0 pqLastResortPreKeyAgeSeconds=0",
                        "ecPreKeys=100 pqPreKeys=100 signedPreKeyAgeSeconds=0 pqLastResortPreKeyAgeSeconds=0");
        assertThat(SignalFileStore.open(new CredentialStore(store).signalDirectory("alice"))
                        .preKeyCount())
                .isEqualTo(100);
    }

    @Test
    void shouldExitOneForAnUnknownProfile() {
        // when
        int exit = run("listen", "--as", "ghost", "--store", store.toString());

        // then
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("no profile 'ghost'");
    }

    private int run(String... args) {
        CommandLine commandLine = SocialinkCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
