package io.socialink.bench.cli;

import io.socialink.bench.GroupBenchOptions;
import io.socialink.bench.GroupBenchReport;
import io.socialink.bench.GroupFanoutBench;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the MLS group fan-out benchmark against a local gateway and prints (and optionally writes) it. */
@Command(
        name = "bench-group",
        description = "MLS group fan-out benchmark of a local system: a group of --members "
                + "users with one connected device each; the Welcome to all of them from one Add commit, single messages "
                + "fanned out to every device (time to the last device), and a burst of messages (deliveries/s).")
final class BenchGroupCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BenchServerOptions target;

    @Option(
            names = "--members",
            defaultValue = "1500",
            paramLabel = "N",
            description = "Group size, the creator included; one device each (default: ${DEFAULT-VALUE}).")
    int members;

    @Option(
            names = "--messages-runs",
            defaultValue = "10",
            paramLabel = "N",
            description = "Single-message fan-outs, one after another (default: ${DEFAULT-VALUE}).")
    int messageRuns;

    @Option(
            names = "--burst",
            defaultValue = "100",
            paramLabel = "N",
            description = "Messages of the burst, sent back to back (default: ${DEFAULT-VALUE}).")
    int burst;

    @Option(
            names = "--burst-parallel",
            defaultValue = "8",
            paramLabel = "N",
            description = "Then a second burst of as many messages, protected first and POSTed N at a time; 0 or 1:"
                    + " none (default: ${DEFAULT-VALUE}).")
    int burstParallel;

    @Option(
            names = "--typing",
            defaultValue = "0",
            paramLabel = "N",
            description = "Then N typing changes (start, stop, ...) by the creator over its socket, 2 s apart, each"
                    + " timed to the typing frame on every other device (default: ${DEFAULT-VALUE}).")
    int typing;

    @Option(
            names = "--sample-decrypt",
            defaultValue = "3",
            paramLabel = "N",
            description = "Members that join from the Welcome and decrypt every message (default: ${DEFAULT-VALUE}).")
    int sampleDecrypt;

    @Option(
            names = "--concurrency",
            defaultValue = "8",
            paramLabel = "N",
            description = "Registrations and socket connects in flight during the setup (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
            names = "--timeout",
            defaultValue = "120",
            paramLabel = "SECONDS",
            description = "How long each phase may wait for every device (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON to FILE.")
    Path json;

    @Override
    public Integer call() throws InterruptedException, IOException {
        GroupBenchOptions options = new GroupBenchOptions(
                target.server,
                members,
                messageRuns,
                burst,
                burstParallel,
                typing,
                sampleDecrypt,
                concurrency,
                Duration.ofSeconds(timeoutSeconds),
                target.allowRemote);
        // the report's lines are printed as the run goes
        GroupBenchReport report =
                new GroupFanoutBench(options, spec.commandLine().getOut()).run();
        BenchReports.writeJson(json, report::toJson);
        return 0;
    }
}
