package io.socialink.bench.cli;

import io.socialink.bench.ConnectionsBench;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the idle-connections benchmark (many held WebSockets, one message to each, reconnect waves). */
@Command(
        name = "bench-connections",
        description = "Idle-connections benchmark of a local system: registers devices, holds one idle WebSocket per"
                + " device (with the client's keep-alive) spread over the gateway nodes, optionally delivers one"
                + " message to each and reports how sockets that end (a killed node) reconnect.")
final class BenchConnectionsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--servers",
            split = ",",
            defaultValue = "http://localhost:8080",
            paramLabel = "URL",
            description = "Gateway base URLs, one per node, comma separated; sockets are spread round robin over"
                    + " them, REST calls go to the first; loopback only unless --allow-remote"
                    + " (default: ${DEFAULT-VALUE}).")
    List<URI> servers;

    @Option(names = "--allow-remote", description = "Allow servers that are not on a loopback address.")
    boolean allowRemote;

    @Option(
            names = "--devices",
            defaultValue = "1000",
            paramLabel = "N",
            description = "Sockets to hold, one per device (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(
            names = "--register-threads",
            defaultValue = "16",
            paramLabel = "N",
            description = "Parallel registrations (default: ${DEFAULT-VALUE}).")
    int registerThreads;

    @Option(
            names = "--connect-rate",
            defaultValue = "500",
            paramLabel = "N",
            description = "Socket opens per second (default: ${DEFAULT-VALUE}).")
    int connectRate;

    @Option(
            names = "--source-addresses",
            defaultValue = "1",
            paramLabel = "K",
            description = "Bind the sockets round robin to 127.0.0.1..127.0.0.K, for more than ~28,000 sockets per"
                    + " server port (loopback servers only; default: ${DEFAULT-VALUE}, not bound).")
    int sourceAddresses;

    @Option(
            names = "--hold",
            defaultValue = "60",
            paramLabel = "SECONDS",
            description = "Idle time after all sockets were opened (default: ${DEFAULT-VALUE}).")
    long holdSeconds;

    @Option(
            names = "--until-file",
            paramLabel = "PATH",
            description = "After the hold, keep holding until this file exists.")
    Path untilFile;

    @Option(names = "--deliver", description = "After the hold, send one message to every device and time its arrival.")
    boolean deliver;

    @Option(
            names = "--deliver-timeout",
            defaultValue = "60",
            paramLabel = "SECONDS",
            description = "How long after the last send a message may still arrive (default: ${DEFAULT-VALUE}).")
    long deliverTimeoutSeconds;

    @Option(
            names = "--reconnect-jitter",
            defaultValue = "10",
            paramLabel = "SECONDS",
            description =
                    "A socket that ends is reopened after a random delay below this, to another server picked at random"
                            + " (default: ${DEFAULT-VALUE}).")
    double reconnectJitterSeconds;

    @Option(names = "--no-reconnect", description = "Leave sockets that end closed.")
    boolean noReconnect;

    @Option(
            names = "--prefix",
            paramLabel = "PREFIX",
            description = "User id prefix (users PREFIX-0 ...; default: a fresh run id).")
    String prefix;

    @Option(
            names = "--keep-alive",
            defaultValue = "30",
            paramLabel = "SECONDS",
            description = "Each socket pings at this interval, the first ping at a random point of it"
                    + " (default: ${DEFAULT-VALUE}).")
    long keepAliveSeconds;

    @Option(
            names = "--reuse-file",
            paramLabel = "PATH",
            description = "Load the devices from this JSON-lines file when it holds enough, else register and save"
                    + " them there (it holds device secrets).")
    Path reuseFile;

    @Override
    public Integer call() throws InterruptedException, IOException {
        if (devices < 1
                || registerThreads < 1
                || connectRate < 1
                || holdSeconds < 0
                || keepAliveSeconds < 1
                || reconnectJitterSeconds < 0
                || deliverTimeoutSeconds < 1
                || servers.isEmpty()) {
            throw new IllegalArgumentException("--devices, --register-threads, --connect-rate, --keep-alive and"
                    + " --deliver-timeout must be positive, --hold and --reconnect-jitter not negative");
        }
        new ConnectionsBench(
                        new ConnectionsBench.Options(
                                servers,
                                devices,
                                registerThreads,
                                connectRate,
                                sourceAddresses,
                                Duration.ofSeconds(holdSeconds),
                                deliver,
                                Duration.ofSeconds(deliverTimeoutSeconds),
                                noReconnect ? null : Duration.ofMillis(Math.round(reconnectJitterSeconds * 1000)),
                                prefix,
                                Duration.ofSeconds(keepAliveSeconds),
                                untilFile,
                                reuseFile,
                                allowRemote),
                        spec.commandLine().getOut())
                .run();
        return 0;
    }
}
