package io.socialink.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ReceiptBenchReportTest {

    private final BenchOptions options = new BenchOptions(
            URI.create("http://localhost:8080"),
            50,
            Duration.ofSeconds(10),
            Duration.ofSeconds(2),
            10,
            10,
            256,
            512,
            Duration.ofSeconds(5),
            false,
            null);

    @Test
    void shouldRenderTextAndJsonWithTheProjectionRate() {
        // given
        ReceiptBenchReport report = new ReceiptBenchReport(
                options,
                2,
                500,
                500,
                499,
                498,
                497,
                Map.of("http-429", 1L),
                1,
                1,
                1,
                500,
                0,
                0,
                0,
                0,
                0,
                3,
                new LatencySummary(500, 2, 8, 9, 10),
                new LatencySummary(498, 4.5, 12, 14, 15.25),
                new LatencySummary(497, 5, 13, 15, 16),
                new ReceiptBenchReport.ProjectionRate(3000, 15));

        // when
        String text = report.toText();
        JsonNode json = JsonMapper.builder().build().readTree(report.toJson());

        // then
        assertThat(text)
                .contains("10 senders x 2 devices")
                .contains("by all 2 devices 497")
                .contains("no receipt 1, partial 1")
                .contains("ack -> first")
                .contains("15.250 ms")
                .contains("3000 events applied in 15.0 s, 200.0 events/s");
        assertThat(json.path("benchmark").asString()).isEqualTo("receipts");
        assertThat(json.path("ackToFirstReceiptMillis").path("p50").asDouble()).isEqualTo(4.5);
        assertThat(json.path("ackToLastReceiptMillis").path("p99").asDouble()).isEqualTo(13);
        assertThat(json.path("projection").path("eventsPerSecond").asDouble()).isEqualTo(200);
        assertThat(json.path("options").path("senderDevices").asInt()).isEqualTo(2);
    }

    @Test
    void shouldWriteANullProjectionWhenTheMetricsCouldNotBeRead() {
        // given
        ReceiptBenchReport report = new ReceiptBenchReport(
                options,
                2,
                0,
                0,
                0,
                0,
                0,
                Map.of(),
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                new LatencySummary(0, 0, 0, 0, 0),
                new LatencySummary(0, 0, 0, 0, 0),
                new LatencySummary(0, 0, 0, 0, 0),
                null);

        // when
        JsonNode json = JsonMapper.builder().build().readTree(report.toJson());

        // then
        assertThat(json.path("projection").isNull()).isTrue();
        assertThat(report.toText()).doesNotContain("status projection");
    }
}
