package io.socialink.analytics;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Kafka Streams reference app for analytics: turns the metadata topics into the figures a product team asks for
 * (messages per minute by kind, receipt latencies, daily active devices, group churn and sizes), on compacted
 * output topics and as Prometheus metrics. It reads nothing but metadata and writes nothing but aggregates.
 */
@SpringBootApplication
public class AnalyticsApplication {

    public static void main(String[] args) {
        SpringApplication.run(AnalyticsApplication.class, args);
    }
}
