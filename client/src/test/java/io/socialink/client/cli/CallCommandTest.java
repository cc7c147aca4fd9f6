package io.socialink.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.testing.FakeGateway;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The call commands' arguments are checked before anything is sent; the generated SDP and candidates are valid. */
class CallCommandTest {

    @TempDir
    Path store;

    private FakeGateway gateway;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void startGateway() throws Exception {
        gateway = new FakeGateway();
        run("register", "--user", "alice", "--server", gateway.url().toString(), "--store", store.toString());
        out.getBuffer().setLength(0);
    }

    @AfterEach
    void stopGateway() {
        gateway.close();
    }

    @Test
    void shouldRefuseBadOptionsBeforeAnyCallRequest() {
        // when
        int media = run("call", "place", "--as", "alice", "--to", "bob", "--media", "hologram", "--store", store());
        int candidates = run("call", "place", "--as", "alice", "--to", "bob", "--candidates", "33", "--store", store());
        int hangup = run("call", "answer", "--as", "alice", "--hangup-after", "-1", "--store", store());
        int callId = run("call", "end", "--as", "alice", "--call", "not-a-uuid", "--store", store());
        int missingTo = run("call", "place", "--as", "alice", "--store", store());

        // then
        assertThat(media).isEqualTo(1);
        assertThat(candidates).isEqualTo(1);
        assertThat(hangup).isEqualTo(1);
        assertThat(callId).isEqualTo(2);
        assertThat(missingTo).isEqualTo(2);
        assertThat(err.toString())
                .contains("--media must be audio or video")
                .contains("--candidates must be 0..32")
                .contains("--hangup-after must not be negative");
        assertThat(gateway.requests("POST", "/api/v1/calls")).isEmpty();
        assertThat(gateway.requests("PUT", "/api/v1/calls")).isEmpty();
    }

    @Test
    void shouldListTheCallSubcommands() {
        // when
        int exit = run("call");

        // then
        assertThat(exit).isZero();
        assertThat(err.toString()).contains("place", "answer", "decline", "end", "listen", "history", "turn");
    }

    @Test
    void shouldMakeSdpAndCandidatesThatCarryTheTag() {
        // when
        String offer = Sdp.offer("tag123", "video");
        String answer = Sdp.answer("tag123", "audio");
        List<String> candidates = Sdp.candidates("tag123", 4);

        // then
        assertThat(offer).startsWith("v=0\r\n").contains("s=tag123\r\n", "m=audio ", "m=video ", "a=setup:actpass");
        assertThat(answer).contains("m=audio ", "a=setup:active").doesNotContain("m=video");
        assertThat(candidates)
                .hasSize(4)
                .allSatisfy(candidate -> assertThat(candidate)
                        .matches("candidate:\\d+ 1 udp \\d+ [0-9.]+ \\d+ typ (host|srflx raddr [0-9.]+ rport \\d+)"
                                + " generation 0 ufrag tag123"))
                .doesNotHaveDuplicates();
    }

    private String store() {
        return store.toString();
    }

    private int run(String... args) {
        CommandLine commandLine = SocialinkCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
