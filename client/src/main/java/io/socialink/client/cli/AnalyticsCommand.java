package io.socialink.client.cli;

import io.socialink.client.analytics.LatestFigures;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Prints the analytics app's figures of the last hour (per minute: messages by kind, receipt latencies) and of
 * today (active devices, group churn and sizes), read from its output topics.
 */
@Command(
        name = "analytics",
        description = "Print the analytics app's figures of the last hour and of today (UTC), from its topics.")
final class AnalyticsCommand implements Callable<Integer> {

    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka (default: KAFKA_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(
            names = "--topics-prefix",
            defaultValue = "${env:SOCIALINK_TOPICS_PREFIX:-}",
            description = "The deployment's topic prefix (default: SOCIALINK_TOPICS_PREFIX, or none).")
    String prefix;

    @Option(
            names = "--minutes",
            defaultValue = "60",
            description = "How many minutes back (default: ${DEFAULT-VALUE}).")
    int minutes;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ObjectMapper json = new ObjectMapper();
        Instant now = Instant.now();
        String since = MINUTE.format(now.minus(minutes, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES));
        Map<String, String> perMinute = LatestFigures.read(bootstrapServers, prefix + "analytics.minutes");
        out.printf(
                "%-18s %7s %7s %7s  %-24s %-24s%n",
                "minute (UTC)", "1:1", "to-self", "group", "sent->delivered ms", "delivered->read ms");
        perMinute.forEach((minute, figures) -> {
            if (minute.compareTo(since) < 0) {
                return;
            }
            JsonNode node = json.readTree(figures);
            JsonNode messages = node.get("messages");
            out.printf(
                    "%-18s %7d %7d %7d  %-24s %-24s%n",
                    minute,
                    messages.get("oneToOne").asLong(),
                    messages.get("noteToSelf").asLong(),
                    messages.get("group").asLong(),
                    latency(node.get("sentToDeliveredMs")),
                    latency(node.get("deliveredToReadMs")));
        });
        String today = now.atZone(ZoneOffset.UTC).toLocalDate().toString();
        String day =
                LatestFigures.read(bootstrapServers, prefix + "analytics.days").get(today);
        if (day == null) {
            out.println("today (" + today + "): no figures yet");
        } else {
            JsonNode node = json.readTree(day);
            JsonNode groups = node.get("groups");
            StringBuilder sizes = new StringBuilder();
            groups.get("sizes").properties().forEach(size -> sizes.append(sizes.isEmpty() ? "" : ", ")
                    .append(size.getKey())
                    .append(": ")
                    .append(size.getValue().asLong()));
            out.println("today (" + today + "): active devices "
                    + node.get("activeDevices").asLong()
                    + "; groups created " + groups.get("created").asLong() + ", devices added "
                    + groups.get("devicesAdded").asLong() + ", removed "
                    + groups.get("devicesRemoved").asLong()
                    + "; groups active by members " + sizes);
        }
        return 0;
    }

    private static String latency(JsonNode histogram) {
        long count = histogram.get("count").asLong();
        if (count == 0) {
            return "-";
        }
        return "n=" + count + " p50 " + histogram.get("p50").asLong() + " p99 "
                + histogram.get("p99").asLong();
    }
}
