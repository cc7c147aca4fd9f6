package io.socialink.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Reads one counter from a gateway's Prometheus endpoint ({@code /actuator/prometheus} on its internal port, with
 * the internal credential), summed over its label sets, so a run can report what the server did meanwhile (e.g.
 * status projection events applied per second).
 */
final class PrometheusCounter {

    /** The gateway's internal port; {@code SOCIALINK_INTERNAL_URL} overrides it. */
    static final String DEFAULT_INTERNAL_URL = "http://localhost:9080";
    /** The development internal credential a local gateway accepts under the local profile. */
    static final String DEFAULT_INTERNAL_SECRET = "socialink-local-internal-secret-0123456789abcdef";

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http;
    private final URI endpoint;
    private final String authorization;
    private final String name;

    PrometheusCounter(HttpClient http, URI internal, String internalSecret, String name) {
        this.http = http;
        this.endpoint = internal.resolve("/actuator/prometheus");
        this.authorization = "Basic "
                + Base64.getEncoder().encodeToString(("internal:" + internalSecret).getBytes(StandardCharsets.UTF_8));
        this.name = name;
    }

    /** The counter at {@code SOCIALINK_INTERNAL_URL} with {@code SOCIALINK_INTERNAL_SECRET}, or the local defaults. */
    static PrometheusCounter fromEnvironment(HttpClient http, String name) {
        return new PrometheusCounter(
                http,
                URI.create(env("SOCIALINK_INTERNAL_URL", DEFAULT_INTERNAL_URL)),
                env("SOCIALINK_INTERNAL_SECRET", DEFAULT_INTERNAL_SECRET),
                name);
    }

    private static String env(String variable, String fallback) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? fallback : value;
    }

    String name() {
        return name;
    }

    /** The counter's value now, or NaN when the endpoint cannot be read or does not have it. */
    double read() {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(endpoint)
                            .timeout(TIMEOUT)
                            .header("Authorization", authorization)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? parse(response.body(), name) : Double.NaN;
        } catch (java.io.IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /** The sum of the samples named {@code name} (any labels) in a Prometheus text exposition; NaN if none. */
    static double parse(String exposition, String name) {
        double sum = 0;
        boolean found = false;
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(name) || line.length() == name.length()) {
                continue;
            }
            char next = line.charAt(name.length());
            if (next != ' ' && next != '{') {
                continue;
            }
            int valueStart = next == '{' ? line.indexOf('}', name.length()) + 1 : name.length();
            if (valueStart <= 0) {
                continue;
            }
            String[] fields = line.substring(valueStart).strip().split("\\s+");
            try {
                sum += Double.parseDouble(fields[0]);
                found = true;
            } catch (NumberFormatException e) {
                // not a sample line of this counter
            }
        }
        return found ? sum : Double.NaN;
    }
}
