package io.socialink.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.cli.SocialinkCli;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * The command line as {@code infra/socialink demo} and a user drive it, against the real apps: register stores
 * real keys, send encrypts, listen decrypts and prints {@code <sentAt> <sender> <messageId> <text>}, a device added
 * later receives the next message (the sender recovers from the 409), and chat sends stdin lines and prints what
 * arrives. Each command runs in this JVM on the same profile store, as separate CLI runs would.
 */
@ExtendWith(SharedLocalSystem.class)
class EncryptedCliIT {

    private static final Pattern LINE =
            Pattern.compile("\\d{4}-\\d\\d-\\d\\dT[^ ]+Z ([A-Za-z0-9_-]+\\.\\d+) [0-9a-f-]{36} (.*)");

    private static LocalSystem system;
    private static Path store;

    @BeforeAll
    static void useSharedSystem(LocalSystem shared) throws Exception {
        system = shared;
        store = Files.createTempDirectory("cli-store");
    }

    @Test
    void shouldRunTheDemoStepsWithEncryptedMessages() throws Exception {
        // given alice and bob registered, bob listening
        String alice = unique("alice");
        String bob = unique("bob");
        assertThat(run("register", "--user", alice, "--profile", alice).out()).isEqualTo("1");
        assertThat(run("register", "--user", bob, "--profile", bob).out()).isEqualTo("1");
        CompletableFuture<Result> listening =
                CompletableFuture.supplyAsync(() -> run("listen", "--as", bob, "--count", "1", "--timeout", "60"));
        Thread.sleep(2_000);

        // when alice sends
        Result sent = run("send", "--as", alice, "--to", bob, "--text", "Hello Bob!");

        // then bob's device prints the decrypted line
        assertThat(sent.exit()).isZero();
        Result heard = listening.get(90, TimeUnit.SECONDS);
        assertThat(heard.exit()).as(heard.err()).isZero();
        assertThat(textLines(heard.out())).containsExactly(alice + ".1 Hello Bob!");
        assertThat(heard.out()).contains(sent.out());

        // when bob adds a device while offline and alice sends again
        assertThat(run("register", "--user", bob, "--profile", bob + "-2").out())
                .isEqualTo("2");
        Result second = run("send", "--as", alice, "--to", bob, "--text", "Sent while you were offline.");

        // then the new device drains and decrypts it, and so does the first device on its next listen
        assertThat(second.exit()).as(second.err()).isZero();
        Result drained = run("listen", "--as", bob + "-2", "--count", "1", "--timeout", "60");
        assertThat(textLines(drained.out())).containsExactly(alice + ".1 Sent while you were offline.");
        Result firstAgain = run("listen", "--as", bob, "--count", "1", "--timeout", "60");
        assertThat(textLines(firstAgain.out())).containsExactly(alice + ".1 Sent while you were offline.");
    }

    @Test
    void shouldChatBothWays() throws Exception {
        // given
        String alice = unique("alice");
        String bob = unique("bob");
        run("register", "--user", alice, "--profile", alice);
        run("register", "--user", bob, "--profile", bob);
        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(typing);
        StringWriter chatOut = new StringWriter();
        InputStream originalIn = System.in;
        CompletableFuture<Integer> chat;
        System.setIn(stdin);
        try {
            CommandLine commandLine = SocialinkCli.commandLine();
            commandLine.setOut(new PrintWriter(chatOut, true));
            commandLine.setErr(new PrintWriter(new StringWriter(), true));
            chat = CompletableFuture.supplyAsync(() -> commandLine.execute(
                    "chat",
                    "--as",
                    alice,
                    "--with",
                    bob,
                    "--store",
                    store.toString(),
                    "--server",
                    system.gateway.baseUri().toString()));
            Thread.sleep(2_000);
        } finally {
            System.setIn(originalIn);
        }

        // when alice types a line, bob reads it and answers
        typing.write("hi bob, typed in a chat\n".getBytes(StandardCharsets.UTF_8));
        typing.flush();
        Result bobHeard = run("listen", "--as", bob, "--count", "1", "--timeout", "60");
        run("send", "--as", bob, "--to", alice, "--text", "hi alice, answered");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!chatOut.toString().contains("hi alice, answered") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        typing.close();

        // then
        assertThat(textLines(bobHeard.out())).containsExactly(alice + ".1 hi bob, typed in a chat");
        assertThat(chat.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(textLines(chatOut.toString())).containsExactly(bob + ".1 hi alice, answered");
    }

    /** The {@code <sender> <text>} part of each message line. */
    private static java.util.List<String> textLines(String output) {
        return output.lines()
                .map(LINE::matcher)
                .filter(java.util.regex.Matcher::matches)
                .map(matcher -> matcher.group(1) + " " + matcher.group(2))
                .toList();
    }

    private record Result(int exit, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = SocialinkCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--store";
        all[args.length + 1] = store.toString();
        all[args.length + 2] = "--server";
        all[args.length + 3] = system.gateway.baseUri().toString();
        int exit = commandLine.execute(all);
        return new Result(exit, out.toString().strip(), err.toString());
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
