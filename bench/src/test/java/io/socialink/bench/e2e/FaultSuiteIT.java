package io.socialink.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.bench.FaultBench;
import io.socialink.bench.FaultBenchOptions;
import io.socialink.bench.FaultReport;
import io.socialink.client.e2e.AppProcess;
import io.socialink.client.e2e.LocalSystem;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fault suite, CI-sized: the {@code bench-faults} load (1:1 and MLS group messages) runs while the gateway, the
 * delivery-worker and group-fanout are killed with SIGKILL in turn and started again; no acknowledged message may be
 * lost, arrive twice after dedup or overtake an earlier one. The broker restart of the full suite
 * ({@code infra/bench/faults.sh}) is left out here: the broker of the test suite is shared by every test class.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class FaultSuiteIT {

    private static final Duration BETWEEN_FAULTS = Duration.ofSeconds(5);

    private static LocalSystem system;

    @BeforeAll
    static void startSystem(KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) throws Exception {
        system = LocalSystem.withGroups(kafka, postgres, redis, Map.of()).start();
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void shouldLoseDuplicateAndReorderNothingAcknowledgedWhileEachAppIsKilledInTurn() throws Exception {
        // given the fault load running against the system
        StringWriter output = new StringWriter();
        PrintWriter out = new PrintWriter(output, true);
        FaultBenchOptions options = new FaultBenchOptions(
                system.gateway.baseUri(), 3_000, 40, 6, 3, 10, Duration.ofSeconds(120), Duration.ofSeconds(120), false);
        CompletableFuture<FaultReport> running = CompletableFuture.supplyAsync(() -> {
            try {
                return new FaultBench(options, out).run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        awaitOutput(output, FaultBench.LOAD_STARTED, running);

        // when the gateway, the delivery-worker and group-fanout are killed and started again, one after another
        for (AppProcess app : new AppProcess[] {system.gateway, system.worker, system.groupFanout()}) {
            Thread.sleep(BETWEEN_FAULTS.toMillis());
            app.kill();
            app.start();
        }
        FaultReport report = running.get(5, TimeUnit.MINUTES);

        // then every acknowledged copy arrived once and in order, and the faults were felt
        assertThat(report.passed()).as(report.toText() + output).isTrue();
        assertThat(report.lost()).isZero();
        assertThat(report.duplicates()).isZero();
        assertThat(report.orderGaps()).isZero();
        assertThat(report.groupAcked()).isPositive();
        assertThat(report.oneToOneAcked() + report.groupAcked() + report.unacknowledged())
                .isEqualTo(options.messages());
        assertThat(report.failedAttempts())
                .as("sends failed while the gateway was down")
                .isPositive();
        assertThat(report.reconnects())
                .as("the sockets reconnected after the gateway crash")
                .isPositive();
    }

    private static void awaitOutput(StringWriter output, String marker, CompletableFuture<?> running) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!output.toString().contains(marker)) {
            if (running.isDone()) {
                running.get();
            }
            assertThat(System.nanoTime())
                    .as("the fault load started in time: " + output)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
