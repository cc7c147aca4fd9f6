package io.socialink.bench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/** How the bench commands hand over a finished report; infra/bench/summarize*.py read the JSON file. */
final class BenchReports {

    private BenchReports() {}

    /** Prints the text report, then writes the JSON one if {@code json} was given. */
    static void print(PrintWriter out, String text, Path json, Supplier<String> jsonReport) throws IOException {
        out.print(text);
        // flushed before the file is written, so a failing write still leaves the run's numbers on screen
        out.flush();
        writeJson(json, jsonReport);
    }

    /** Writes the JSON report if {@code json} was given; none is asked for by default. */
    static void writeJson(Path json, Supplier<String> jsonReport) throws IOException {
        if (json != null) {
            Files.writeString(json, jsonReport.get());
        }
    }
}
