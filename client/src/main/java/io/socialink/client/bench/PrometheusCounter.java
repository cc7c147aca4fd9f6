package io.socialink.client.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads one counter from a gateway's Prometheus endpoint ({@code /actuator/prometheus}), summed over its label
 * sets, so a run can report what the server did meanwhile (e.g. status projection events applied per second).
 */
final class PrometheusCounter {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http;
    private final URI endpoint;
    private final String name;

    PrometheusCounter(HttpClient http, URI server, String name) {
        this.http = http;
        this.endpoint = server.resolve("/actuator/prometheus");
        this.name = name;
    }

    String name() {
        return name;
    }

    /** The counter's value now, or NaN when the endpoint cannot be read or does not have it. */
    double read() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).timeout(TIMEOUT).GET().build(),
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
