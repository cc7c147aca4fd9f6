package io.socialink.bench.cli;

import java.net.URI;
import picocli.CommandLine.Option;

/**
 * The gateway every bench command loads. Loopback only by default: a bench is a load test, and pointing one at a
 * server by mistake should take an explicit flag.
 */
final class BenchServerOptions {

    @Option(
            names = "--server",
            defaultValue = "http://localhost:8080",
            paramLabel = "URL",
            description = "Gateway URL, loopback only unless --allow-remote (default: ${DEFAULT-VALUE}).")
    URI server;

    @Option(names = "--allow-remote", description = "Allow a server that is not on a loopback address.")
    boolean allowRemote;
}
