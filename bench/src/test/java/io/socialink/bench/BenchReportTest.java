package io.socialink.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class BenchReportTest {

    private final BenchOptions options = new BenchOptions(
            URI.create("http://localhost:8080"),
            100,
            Duration.ofSeconds(10),
            Duration.ofSeconds(2),
            20,
            20,
            256,
            512,
            Duration.ofSeconds(5),
            false,
            null);

    @Test
    void shouldScheduleWarmupAndMeasuredMessages() {
        // then
        assertThat(options.totalMessages()).isEqualTo(1200);
        assertThat(options.warmupMessages()).isEqualTo(200);
    }

    @Test
    void shouldRejectOptionsThatCannotRun() {
        // when / then
        assertThatThrownBy(() -> new BenchOptions(
                        URI.create("http://localhost:8080"),
                        100,
                        Duration.ofSeconds(10),
                        Duration.ZERO,
                        1,
                        1,
                        8,
                        1,
                        Duration.ZERO,
                        false,
                        null))
                .hasMessageContaining("--size");
        assertThatThrownBy(() -> new BenchOptions(
                        URI.create("http://localhost:8080"),
                        0,
                        Duration.ofSeconds(10),
                        Duration.ZERO,
                        1,
                        1,
                        256,
                        1,
                        Duration.ZERO,
                        false,
                        null))
                .hasMessageContaining("--rate");
    }

    @Test
    void shouldRenderTextAndJson() {
        // given
        BenchReport report = new BenchReport(
                options,
                1000,
                998,
                1100,
                997,
                99.8,
                99.7,
                Map.of("http-429", 2L),
                1,
                0,
                3,
                0,
                0,
                2,
                new LatencySummary(998, 1.5, 9.25, 20, 31.125),
                new LatencySummary(997, 3, 12, 25, 40));

        // when
        String text = report.toText();
        JsonNode json = JsonMapper.builder().build().readTree(report.toJson());

        // then
        assertThat(text)
                .contains("acked 998 (99.8/s)")
                .contains("errors 2 {http-429=2}")
                .contains("lost 1")
                .contains("reconnects 2")
                .contains("send -> 201")
                .contains("31.125 ms");
        assertThat(json.path("errorCount").asLong()).isEqualTo(2);
        assertThat(json.path("reconnects").asLong()).isEqualTo(2);
        assertThat(json.path("ackedTotal").asLong()).isEqualTo(1100);
        assertThat(json.path("sendAckMillis").path("p99").asDouble()).isEqualTo(9.25);
        assertThat(json.path("sendToSocketMillis").path("max").asDouble()).isEqualTo(40);
        assertThat(json.path("options").path("rate").asInt()).isEqualTo(100);
    }

    @Test
    void shouldClassifySendErrors() {
        // when / then
        assertThat(LoadGenerator.classify(
                        new java.util.concurrent.CompletionException(new io.socialink.client.api.ProblemException(
                                429, "https://socialink.io/problems/rate-limited", "Too many", null))))
                .isEqualTo("http-429-rate-limited");
        assertThat(LoadGenerator.classify(new java.net.http.HttpTimeoutException("slow")))
                .isEqualTo("timeout");
        assertThat(LoadGenerator.classify(new java.net.ConnectException())).isEqualTo("io-ConnectException");
    }
}
