package io.socialink.bench.cli;

import io.socialink.bench.ReceiptBenchReport;
import io.socialink.bench.ReceiptLatencyBench;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Runs the open-loop receipt latency benchmark against a local gateway and prints (and optionally writes) it. */
@Command(
        name = "bench-receipts",
        description = "Open-loop receipt benchmark of a local gateway: senders with two "
                + "connected devices each send at a fixed rate to connected recipients; the delay from a recipient's ack "
                + "to the \"delivered\" receipt on the first and on both sender devices, and the status projection's "
                + "events/s from the gateway's metrics.")
final class BenchReceiptsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LoadOptions load;

    @Override
    public Integer call() throws InterruptedException, IOException {
        PrintWriter out = spec.commandLine().getOut();
        ReceiptBenchReport report = new ReceiptLatencyBench(load.toBenchOptions(), out).run();
        BenchReports.print(out, report.toText(), load.json, report::toJson);
        return 0;
    }
}
