package io.socialink.bench.cli;

import io.socialink.bench.BenchOptions;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The open-loop load options shared by the {@code bench} and {@code bench-receipts} commands. */
final class LoadOptions {

    @Mixin
    BenchServerOptions target;

    @Option(
            names = "--rate",
            defaultValue = "500",
            paramLabel = "MSGS",
            description = "Messages per second " + "(default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(
            names = "--duration",
            defaultValue = "30",
            paramLabel = "SECONDS",
            description = "Measured seconds (default: ${DEFAULT-VALUE}).")
    long durationSeconds;

    @Option(
            names = "--warmup",
            defaultValue = "5",
            paramLabel = "SECONDS",
            description = "Seconds sent before measuring, not recorded (default: ${DEFAULT-VALUE}).")
    long warmupSeconds;

    @Option(
            names = "--senders",
            defaultValue = "20",
            description = "Sender devices; for bench-receipts, sender "
                    + "users with two devices each (default: ${DEFAULT-VALUE}).")
    int senders;

    @Option(
            names = "--recipients",
            defaultValue = "20",
            description = "Recipient devices, all connected (default: ${DEFAULT-VALUE}).")
    int recipients;

    @Option(
            names = "--size",
            defaultValue = "256",
            paramLabel = "BYTES",
            description = "Payload bytes per message (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(
            names = "--max-in-flight",
            defaultValue = "512",
            paramLabel = "N",
            description = "Outstanding HTTP sends at most (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(
            names = "--drain-timeout",
            defaultValue = "10",
            paramLabel = "SECONDS",
            description = "How long to wait for what is still outstanding after the schedule "
                    + "(default: ${DEFAULT-VALUE}).")
    long drainTimeoutSeconds;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON.")
    Path json;

    @Option(
            names = "--transport",
            defaultValue = "rest",
            paramLabel = "rest|ws",
            converter = TransportConverter.class,
            description = "How bench sends travel: REST requests, or send frames on each sender's WebSocket "
                    + "(default: ${DEFAULT-VALUE}; bench-receipts sends over REST only).")
    BenchOptions.Transport transport;

    static final class TransportConverter implements picocli.CommandLine.ITypeConverter<BenchOptions.Transport> {
        @Override
        public BenchOptions.Transport convert(String value) {
            return switch (value) {
                case "rest" -> BenchOptions.Transport.REST;
                case "ws" -> BenchOptions.Transport.WS;
                default -> throw new picocli.CommandLine.TypeConversionException("rest or ws, not " + value);
            };
        }
    }

    BenchOptions toBenchOptions() {
        return new BenchOptions(
                target.server,
                rate,
                Duration.ofSeconds(durationSeconds),
                Duration.ofSeconds(warmupSeconds),
                senders,
                recipients,
                size,
                maxInFlight,
                Duration.ofSeconds(drainTimeoutSeconds),
                target.allowRemote,
                json,
                transport);
    }
}
