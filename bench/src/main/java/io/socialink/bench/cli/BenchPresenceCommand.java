package io.socialink.bench.cli;

import io.socialink.bench.PresenceBench;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the presence benchmark (change -> presence frame under churn, online-count latency) on a local system. */
@Command(
        name = "bench-presence",
        description = "Presence benchmark of a local system: devices connecting and disconnecting at a set rate, "
                + "the time from each change to a follower's presence frame, and online-count latency.")
final class BenchPresenceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BenchServerOptions target;

    @Option(
            names = "--subjects",
            defaultValue = "1000",
            paramLabel = "N",
            description = "Users whose devices connect and disconnect, all followed by one viewer, at most 1000 "
                    + "(default: ${DEFAULT-VALUE}).")
    int subjects;

    @Option(
            names = "--rate",
            defaultValue = "200",
            paramLabel = "N",
            description = "Connects and disconnects per second in all (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(
            names = "--duration",
            defaultValue = "30",
            paramLabel = "SECONDS",
            description = "How long the churn runs (default: ${DEFAULT-VALUE}).")
    long durationSeconds;

    @Option(
            names = "--count-calls",
            defaultValue = "1000",
            paramLabel = "N",
            description = "Sequential GET /online-count calls timed after the churn (default: ${DEFAULT-VALUE}).")
    int countCalls;

    @Override
    public Integer call() throws InterruptedException {
        if (subjects < 1 || subjects > 1000 || rate < 1 || durationSeconds < 1 || countCalls < 0) {
            throw new IllegalArgumentException(
                    "--subjects must be 1..1000, --rate and --duration positive, --count-calls not negative");
        }
        new PresenceBench(
                        new PresenceBench.Options(
                                target.server,
                                subjects,
                                rate,
                                Duration.ofSeconds(durationSeconds),
                                countCalls,
                                target.allowRemote),
                        spec.commandLine().getOut())
                .run();
        return 0;
    }
}
