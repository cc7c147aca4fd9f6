package io.socialink.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.cli.SocialinkCli;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * The group chat of the command line, each participant its own CLI process (groups live in a process's memory):
 * alice creates a group and adds bob and carol in one commit, bob and carol join from the Welcome, and lines typed
 * by each reach the others decrypted as {@code [groupId] sender: text}.
 */
@ExtendWith(SharedLocalSystem.class)
class GroupCliIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private static LocalSystem system;
    private static Path store;
    private final List<Chat> chats = new ArrayList<>();

    @BeforeAll
    static void useSharedSystem(LocalSystem shared) throws Exception {
        system = shared;
        store = Files.createTempDirectory("group-cli-store");
    }

    @AfterEach
    void stopChats() {
        chats.forEach(Chat::kill);
    }

    @Test
    void shouldCreateAGroupAddPeopleAndChatInItFromTheCommandLine() throws Exception {
        // given three registered users; bob and carol wait for a Welcome
        String alice = unique("alice");
        String bob = unique("bob");
        String carol = unique("carol");
        for (String user : List.of(alice, bob, carol)) {
            assertThat(register(user)).isZero();
        }
        Chat bobChat = chat(bob, "--join");
        Chat carolChat = chat(carol, "--join");
        bobChat.awaitErr("waiting for a Welcome");
        carolChat.awaitErr("waiting for a Welcome");

        // when alice creates the group with both of them and everyone types a line
        Chat aliceChat = chat(alice, "--create", "team-" + UUID.randomUUID(), "--add", bob + "," + carol);
        aliceChat.awaitErr("chatting in");
        bobChat.awaitErr("chatting in");
        carolChat.awaitErr("chatting in");
        aliceChat.type("hello from alice");
        bobChat.type("hello from bob");
        carolChat.type("hello from carol");

        // then each chat prints the other two lines, decrypted
        aliceChat.awaitOut(bob + ".1: hello from bob");
        aliceChat.awaitOut(carol + ".1: hello from carol");
        bobChat.awaitOut(alice + ".1: hello from alice");
        bobChat.awaitOut(carol + ".1: hello from carol");
        carolChat.awaitOut(alice + ".1: hello from alice");
        carolChat.awaitOut(bob + ".1: hello from bob");
        assertThat(aliceChat.out()).doesNotContain("hello from alice");

        // and the chats end cleanly at the end of their input
        for (Chat chat : List.of(aliceChat, bobChat, carolChat)) {
            assertThat(chat.end()).as(chat.err()).isZero();
        }
    }

    private static int register(String user) {
        CommandLine commandLine = SocialinkCli.commandLine();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(new StringWriter(), true));
        return commandLine.execute(
                "register",
                "--user",
                user,
                "--profile",
                user,
                "--store",
                store.toString(),
                "--server",
                system.gateway.baseUri().toString());
    }

    private Chat chat(String user, String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                cliJar().toString(),
                "group",
                "chat",
                "--as",
                user,
                "--store",
                store.toString(),
                "--server",
                system.gateway.baseUri().toString()));
        command.addAll(List.of(options));
        Path out = Files.createTempFile("group-chat-" + user, ".out");
        Path err = Files.createTempFile("group-chat-" + user, ".err");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        Chat chat = new Chat(process, out, err);
        chats.add(chat);
        return chat;
    }

    private static Path cliJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(path -> path.getFileName().toString().matches("client-.*-cli\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no client CLI jar in target: run mvn package"));
        }
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** One running {@code group chat} process: its stdin to type into, its stdout and stderr in files. */
    private record Chat(Process process, Path outFile, Path errFile) {

        void type(String line) throws IOException {
            OutputStream stdin = process.getOutputStream();
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        String out() throws IOException {
            return Files.readString(outFile);
        }

        String err() {
            try {
                return Files.readString(errFile);
            } catch (IOException e) {
                return e.toString();
            }
        }

        void awaitOut(String text) throws Exception {
            await(outFile, text);
        }

        void awaitErr(String text) throws Exception {
            await(errFile, text);
        }

        private void await(Path file, String text) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                if (Files.readString(file).contains(text)) {
                    return;
                }
                if (!process.isAlive()) {
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            throw new AssertionError("'" + text + "' not in " + file.getFileName() + ":\n" + Files.readString(file)
                    + "\nstderr:\n" + err());
        }

        int end() throws Exception {
            process.getOutputStream().close();
            if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("the chat did not end at the end of its input");
            }
            return process.exitValue();
        }

        void kill() {
            process.destroyForcibly();
        }
    }
}
