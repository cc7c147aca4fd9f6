package io.socialink.bench.cli;

import io.socialink.bench.BenchReport;
import io.socialink.bench.LoadGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Runs the open-loop load generator against a local gateway and prints (and optionally writes) its report. */
@Command(
        name = "bench",
        description = "Open-loop load test of a local gateway: fixed-rate sends to fresh devices, "
                + "send->201 and send->socket latency from the intended send time.")
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LoadOptions load;

    @Override
    public Integer call() throws InterruptedException, IOException {
        PrintWriter out = spec.commandLine().getOut();
        BenchReport report = new LoadGenerator(load.toBenchOptions(), out).run();
        BenchReports.print(out, report.toText(), load.json, report::toJson);
        return 0;
    }
}
