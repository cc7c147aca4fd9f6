package io.socialink.bench.cli;

import io.socialink.bench.KeyBenchOptions;
import io.socialink.bench.KeyDirectoryBench;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the key directory benchmark (registrations, bundle fetches, encrypted send → decrypt) on a local gateway. */
@Command(
        name = "bench-keys",
        description = "Key directory benchmark of a local gateway: registration latency, "
                + "bundle fetch throughput and latency, encrypted send->decrypt latency.")
final class BenchKeysCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BenchServerOptions target;

    @Option(
            names = "--registrations",
            defaultValue = "200",
            paramLabel = "N",
            description = "Users registered, one device each (default: ${DEFAULT-VALUE}).")
    int registrations;

    @Option(
            names = "--prekeys",
            defaultValue = "100",
            paramLabel = "N",
            description = "One-time prekeys of each kind per registration (default: ${DEFAULT-VALUE}).")
    int preKeys;

    @Option(
            names = "--requesters",
            defaultValue = "50",
            paramLabel = "N",
            description = "Devices fetching bundles (default: ${DEFAULT-VALUE}).")
    int requesters;

    @Option(
            names = "--fetches",
            defaultValue = "5000",
            paramLabel = "N",
            description = "Bundle fetches in all (default: ${DEFAULT-VALUE}).")
    int fetches;

    @Option(
            names = "--concurrency",
            defaultValue = "16",
            paramLabel = "N",
            description = "Bundle fetches in flight at most (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
            names = "--messages",
            defaultValue = "200",
            paramLabel = "N",
            description = "Encrypted messages timed send->decrypt (default: ${DEFAULT-VALUE}).")
    int messages;

    @Option(
            names = "--time-limit",
            defaultValue = "300",
            paramLabel = "SECONDS",
            description = "Stop every phase after this long in all (default: ${DEFAULT-VALUE}).")
    long timeLimitSeconds;

    @Override
    public Integer call() throws InterruptedException {
        KeyBenchOptions options = new KeyBenchOptions(
                target.server,
                registrations,
                preKeys,
                requesters,
                fetches,
                concurrency,
                messages,
                Duration.ofSeconds(timeLimitSeconds),
                target.allowRemote);
        new KeyDirectoryBench(options, spec.commandLine().getOut()).run();
        return 0;
    }
}
