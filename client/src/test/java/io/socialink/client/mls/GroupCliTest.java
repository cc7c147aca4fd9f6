package io.socialink.client.mls;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.cli.SocialinkCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code group chat} command's wiring (the chat itself needs a running gateway: the E2E tests drive it). */
class GroupCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldTakeTheStoreFromTheGroupCommandAndRequireAProfile(@TempDir Path store) {
        // when
        int exit = run("group", "--store", store.toString(), "chat", "--as", "alice", "--join");

        // then
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("no profile 'alice' in " + store);
    }

    @Test
    void shouldRefuseCreateAndJoinTogether(@TempDir Path store) {
        // when
        int exit = run("group", "chat", "--store", store.toString(), "--as", "alice", "--create", "team", "--join");

        // then
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("either --create GROUP or --join");
    }

    private int run(String... args) {
        CommandLine command = SocialinkCli.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }
}
