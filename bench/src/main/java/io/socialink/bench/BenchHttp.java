package io.socialink.bench;

import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.PlatformTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The gateway client of a bench run. HTTP/1.1 on a pool of its own daemon threads, so that shutting the pool down
 * at the end of a run leaves no request thread keeping the JVM alive.
 */
final class BenchHttp {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final ExecutorService executor;
    private final HttpClient http;
    private final SocialinkClient client;

    BenchHttp(URI server, int threads, Duration requestTimeout) {
        this.executor = Executors.newFixedThreadPool(threads, LoadGenerator.daemonThreads("bench-http"));
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .executor(executor)
                .build();
        this.client = new SocialinkClient(server, http, PlatformTokens.fromEnvironment(), requestTimeout);
    }

    /** As many threads as processors, at least two, for the open-loop benches that keep many sends in flight. */
    static int processorThreads() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    HttpClient http() {
        return http;
    }

    SocialinkClient client() {
        return client;
    }

    void shutdownNow() {
        executor.shutdownNow();
    }
}
