package io.socialink.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.bench.cli.BenchCli;
import io.socialink.client.e2e.LocalSystem;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code bench-calls} command against the real apps (gateway, delivery-worker, call-signaling), CI-sized: every
 * call set-up completes with real keys and sockets and each step is timed once per call.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class CallSetupBenchIT {

    /** The apps' default: the callees answer at once, so no call may ring out while the others are set up. */
    private static final String RING_TIMEOUT = "45s";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static LocalSystem system;

    @BeforeAll
    static void startSystem(KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) throws Exception {
        system = LocalSystem.withCalls(kafka, postgres, redis, RING_TIMEOUT, Map.of(), Map.of())
                .start();
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void shouldRunTheCallSetupBenchmarkOnAFewCalls() throws Exception {
        // given
        Path json = Files.createTempFile("bench-calls", ".json");

        // when ten callers (-Dcalls.bench.calls=N for more) call as many callees at once, with real keys and sockets
        int calls = Integer.getInteger("calls.bench.calls", 10);
        StringWriter out = new StringWriter();
        CommandLine commandLine = BenchCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(new StringWriter(), true));
        int exit = commandLine.execute(
                "bench-calls",
                "--server",
                system.gateway.baseUri().toString(),
                "--calls",
                String.valueOf(calls),
                "--timeout",
                "120",
                "--json",
                json.toString());

        // then every set-up completed and each step was timed once per call
        System.out.print(out);
        assertThat(exit).as(out.toString()).isZero();
        JsonNode report = JSON.readTree(Files.readString(json));
        assertThat(report.path("calls").asInt()).isEqualTo(calls);
        assertThat(report.path("complete").asInt()).as(out.toString()).isEqualTo(calls);
        assertThat(report.path("undecryptable").asInt()).isZero();
        assertThat(report.path("errors").size()).as(report.toString()).isZero();
        for (String step : List.of("initiate", "ring", "answer", "accepted", "total")) {
            JsonNode figures = report.path("steps").path(step);
            assertThat(figures.path("count").asInt()).as(step).isEqualTo(calls);
            assertThat(figures.path("p99Millis").asDouble()).as(step).isPositive();
        }
        assertThat(out.toString()).contains("ended: " + calls + " calls hung up");
    }
}
