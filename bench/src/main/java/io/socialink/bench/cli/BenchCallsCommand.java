package io.socialink.bench.cli;

import io.socialink.bench.CallSetupBench;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the call set-up benchmark against a local system and prints (and optionally writes) its report. */
@Command(
        name = "bench-calls",
        description = "Call set-up benchmark of a local system: --calls callers each call their own callee at once "
                + "(one device each, real encryption); initiate -> ring frame -> answer -> accepted frame, p50/p99 per "
                + "step.")
final class BenchCallsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BenchServerOptions target;

    @Option(
            names = "--calls",
            defaultValue = "1000",
            paramLabel = "N",
            description = "Concurrent call set-ups: N callers and N callees (default: ${DEFAULT-VALUE}).")
    int calls;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Threads that initiate and answer (blocking REST calls; default: as many as --calls, at "
                    + "most 1000).")
    Integer threads;

    @Option(
            names = "--concurrency",
            defaultValue = "8",
            paramLabel = "N",
            description = "Registrations and socket connects in flight during the setup (default: ${DEFAULT-VALUE}).")
    int setupConcurrency;

    @Option(
            names = "--timeout",
            defaultValue = "120",
            paramLabel = "SECONDS",
            description = "How long the set-ups may take in all (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON to FILE.")
    Path json;

    @Override
    public Integer call() throws InterruptedException, IOException {
        int workers = threads != null ? threads : Math.min(calls, 1000);
        if (calls < 1 || workers < 1 || setupConcurrency < 1 || timeoutSeconds < 1) {
            throw new IllegalArgumentException("--calls, --threads, --concurrency and --timeout must be positive");
        }
        String report = new CallSetupBench(
                        new CallSetupBench.Options(
                                target.server,
                                calls,
                                workers,
                                setupConcurrency,
                                Duration.ofSeconds(timeoutSeconds),
                                target.allowRemote),
                        spec.commandLine().getOut())
                .run();
        BenchReports.writeJson(json, () -> report);
        return 0;
    }
}
