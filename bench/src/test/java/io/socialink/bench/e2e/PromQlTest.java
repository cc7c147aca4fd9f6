package io.socialink.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void shouldFindTheMetricsOfAnAggregationOverAHistogram() {
        assertThat(
                        PromQl.metricNames(
                                "histogram_quantile(0.99, sum by (le) (rate(socialink_gateway_send_latency_seconds_bucket[$__rate_interval])))"))
                .containsExactly("socialink_gateway_send_latency_seconds_bucket");
    }

    @Test
    void shouldFindBothSidesOfARatioAndIgnoreMatchersAndKeywords() {
        assertThat(PromQl.metricNames(
                        "sum by (application) (rate(http_server_requests_seconds_count{status=~\"5..\"}[5m]))"
                                + " / clamp_min(sum without (instance) (rate(a_total[5m])), 0.001) > bool 0.05"
                                + " unless on (job) up{job=~\"socialink-.*\"} == 0"))
                .containsExactlyInAnyOrder("http_server_requests_seconds_count", "a_total", "up");
    }

    @Test
    void shouldReadABareSelector() {
        assertThat(PromQl.metricNames("kafka_stream_alive_stream_threads == 0"))
                .containsExactly("kafka_stream_alive_stream_threads");
    }
}
