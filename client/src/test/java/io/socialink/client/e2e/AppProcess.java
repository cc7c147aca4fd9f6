package io.socialink.client.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One of the system's apps, run from its real executable jar as a separate JVM, so that a test can kill it the way
 * a crash would ({@code SIGKILL}) and start it again. Its output goes to {@code target/e2e-logs/<name>.log}. It runs
 * under the local profile (the development secrets) with its internal (management) port on a free port of its own.
 * Public, as is what the bench module's end-to-end tests call (through the client's test-jar).
 */
public final class AppProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final String name;
    private final Path jar;
    private final Map<String, Object> properties;
    private final int port;
    private final int internalPort;
    private final Path log;
    private Process process;

    private AppProcess(String name, Path jar, Map<String, Object> properties, int port, int internalPort) {
        this.name = name;
        this.jar = jar;
        this.properties = properties;
        this.port = port;
        this.internalPort = internalPort;
        this.log = Path.of("target", "e2e-logs", name + ".log");
    }

    /** {@code module} is the Maven module whose {@code target/<module>-*-exec.jar} runs. */
    static AppProcess of(String module, String name, Map<String, Object> properties) {
        return new AppProcess(name, execJar(module), properties, freePort(), freePort());
    }

    int port() {
        return port;
    }

    /** Sets one more property of the process; takes effect at its next {@link #start()}. */
    AppProcess with(String key, Object value) {
        properties.put(key, value);
        return this;
    }

    Path log() {
        return log;
    }

    public URI baseUri() {
        return URI.create("http://localhost:" + port);
    }

    /** The internal (management) port: actuator, and the delivery-worker's queue API. */
    public URI internalUri() {
        return URI.create("http://localhost:" + internalPort);
    }

    public AppProcess start() {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString(),
                "--server.port=" + port,
                "--management.server.port=" + internalPort,
                "--spring.profiles.active=local"));
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitHealthy();
        return this;
    }

    /** Ends the JVM at once, as a crash or {@code kill -9} would: no shutdown hooks, no flushing. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    private void awaitHealthy() {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(baseUri().resolve("/readyz"))
                .timeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(250);
        }
        throw new IllegalStateException(name + " not healthy after " + START_TIMEOUT + "; see " + log);
    }

    private static Path execJar(String module) {
        Path target = Path.of("..", module, "target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(path -> path.getFileName().toString().matches(module + "-.*-exec\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "no executable jar in " + target + "; build the reactor with mvn verify"));
        } catch (IOException e) {
            throw new UncheckedIOException("no " + target + "; build the reactor with mvn verify", e);
        }
    }

    /**
     * A free port below Linux's ephemeral range (32768-60999): a port the kernel hands out with {@code bind(0)} is
     * also handed to the next outgoing connection of any client on the machine (Kafka, HTTP), which can take it
     * between this check and the app's own bind ("port already in use").
     */
    private static int freePort() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            try (ServerSocket socket = new ServerSocket(candidate)) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free port in 20000-31999");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
