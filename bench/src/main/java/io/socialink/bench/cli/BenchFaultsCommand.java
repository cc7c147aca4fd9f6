package io.socialink.bench.cli;

import io.socialink.bench.FaultBench;
import io.socialink.bench.FaultBenchOptions;
import io.socialink.bench.FaultReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The load of the fault suite ({@code infra/bench/faults.sh} kills and restarts the apps and the broker while it
 * runs). Exits 0 when no acknowledged message was lost, none arrived twice after dedup and none overtook an earlier
 * one; {@value #EXIT_FAILED} otherwise.
 */
@Command(
        name = "bench-faults",
        description = "Fault-suite load: 1:1 and MLS group messages at a fixed rate, each "
                + "retried with its idempotency key until acknowledged, received on reconnecting sockets; reports "
                + "acknowledged-but-lost messages, duplicates after dedup and per-device order gaps (exit 3 if any).")
final class BenchFaultsCommand implements Callable<Integer> {

    static final int EXIT_FAILED = 3;

    @Spec
    CommandSpec spec;

    @Mixin
    BenchServerOptions target;

    @Option(
            names = "--messages",
            defaultValue = "100000",
            paramLabel = "N",
            description = "Messages in all, 1:1 and group (default: ${DEFAULT-VALUE}).")
    int messages;

    @Option(
            names = "--rate",
            defaultValue = "500",
            paramLabel = "PER_SECOND",
            description = "Messages per second on the schedule (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(
            names = "--streams",
            defaultValue = "16",
            paramLabel = "N",
            description = "1:1 sender→recipient device pairs (default: ${DEFAULT-VALUE}).")
    int streams;

    @Option(
            names = "--group-members",
            defaultValue = "4",
            paramLabel = "N",
            description = "Devices of the one MLS group, each sending and receiving; 0: no group messages "
                    + "(default: ${DEFAULT-VALUE}).")
    int groupMembers;

    @Option(
            names = "--group-every",
            defaultValue = "10",
            paramLabel = "N",
            description = "Every N-th message is a group message (default: ${DEFAULT-VALUE}).")
    int groupEvery;

    @Option(
            names = "--send-budget",
            defaultValue = "300",
            paramLabel = "SECONDS",
            description = "How long one message is retried before it is given up (default: ${DEFAULT-VALUE}).")
    long sendBudgetSeconds;

    @Option(
            names = "--drain-timeout",
            defaultValue = "300",
            paramLabel = "SECONDS",
            description = "How long to wait after the load for every acknowledged copy (default: ${DEFAULT-VALUE}).")
    long drainTimeoutSeconds;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON to FILE.")
    Path json;

    @Override
    public Integer call() throws InterruptedException, IOException {
        FaultBenchOptions options = new FaultBenchOptions(
                target.server,
                messages,
                rate,
                streams,
                groupMembers,
                groupEvery,
                Duration.ofSeconds(sendBudgetSeconds),
                Duration.ofSeconds(drainTimeoutSeconds),
                target.allowRemote);
        PrintWriter out = spec.commandLine().getOut();
        FaultReport report = new FaultBench(options, out).run();
        BenchReports.print(out, report.toText(), json, report::toJson);
        return report.passed() ? 0 : EXIT_FAILED;
    }
}
